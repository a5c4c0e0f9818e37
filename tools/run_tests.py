"""Run every test of the project: `nbdev_test` over the notebooks, and pytest; end with `N passed, N failed`.

nbdev_test prints only `Success.` (or the names of the failed notebooks), so we count notebooks from its
`--do_print` lines and pytest items from its summary, and print one closing line for both.

pytest starts once every lesson (nbs/lessons/) has finished, while nbdev_test goes on with the library's notebooks:
its browser tests leave a core mostly idle, and the lessons themselves run without it beside them. Its output is
printed after nbdev_test's.
"""
import argparse, os, re, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# nbdev_test runs two notebooks at once; left to itself each backend sizes its thread pools to all the cores, and on a
# 2-core machine the two kernels then fight over them (the notebooks' small models gain nothing from a second thread).
ONE_THREAD_EACH = {'TF_NUM_INTRAOP_THREADS': '1', 'TF_NUM_INTEROP_THREADS': '1', 'OMP_NUM_THREADS': '1',
                   'XLA_FLAGS': '--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1'}

def start(cmd, env=None, **kw):
    print('$', ' '.join(cmd), flush=True)
    return subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.STDOUT, text=True, env=env, **kw)

def run_notebooks(cmd, env, when_lessons_done=lambda: None):
    "Run nbdev_test, echoing its output; call `when_lessons_done` once every lesson has completed (or at the end)."
    proc = start(cmd, env, stdout=subprocess.PIPE)
    lessons = {str(p) for p in (ROOT/'nbs'/'lessons').glob('*.ipynb')}
    lines, called = [], False
    for line in proc.stdout:
        print(line, end='', flush=True); lines.append(line)
        done = re.match(r'^- Completed (.+\.ipynb)$', line.strip())
        if done: lessons.discard(done.group(1))
        if not lessons and not called: when_lessons_done(); called = True
    if not called: when_lessons_done()
    return proc.wait(), ''.join(lines)

def notebook_counts(rc, out):
    started = set(re.findall(r'Starting (\S+?\.ipynb)', out))   # two workers' lines can run together on one line
    failed_block = out.split('nbdev Tests Failed On The Following Notebooks:')
    failed = re.findall(r'^\t(\S+\.ipynb)$', failed_block[1], re.M) if len(failed_block) > 1 else []
    if rc != 0 and not failed: failed = ['nbdev_test itself']
    return len(started) - len(failed), len(failed)

def pytest_counts(rc, out):
    if rc == 5: return 0, 0  # no tests collected
    counts = {k: int(n) for n, k in re.findall(r'(\d+) (passed|failed|error|errors)', out.splitlines()[-1] if out else '')}
    failed = counts.get('failed', 0) + counts.get('error', 0) + counts.get('errors', 0)
    if rc != 0 and not failed: failed = 1
    return counts.get('passed', 0), failed

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--flags', default='', help="nbdev_test flags to run, e.g. 'slow'")
    ap.add_argument('--path', default=None, help='one notebook or a glob (default: all)')
    ap.add_argument('--skip', default=None, help="a regex of notebook file names not to run (nbdev_test's --skip_file_re)")
    ap.add_argument('--notebooks-only', action='store_true', help='skip pytest (e.g. for a second backend: pytest already tests both)')
    args = ap.parse_args()
    began = time.time()
    if os.environ.get('VAE_LESSONS_MNIST'):  # notebooks run in nbs/, so a relative folder must be made absolute here
        os.environ['VAE_LESSONS_MNIST'] = str(Path(os.environ['VAE_LESSONS_MNIST']).resolve())
    nb_cmd = [str(BIN/'nbdev_test'), '--do_print', '--timing', '--n_workers', '2']
    if args.flags: nb_cmd += ['--flags', args.flags]
    if args.path: nb_cmd += ['--path', args.path]
    if args.skip: nb_cmd += ['--skip_file_re', f'^[_.]|{args.skip}']   # keep nbdev_test's own default skips
    py_cmd = [str(BIN/'python'), '-m', 'pytest', '-q', 'tests']
    pytest_run = {}
    def start_pytest():
        if args.notebooks_only: return
        pytest_run['log'] = tempfile.TemporaryFile('w+')
        pytest_run['proc'] = start(py_cmd, {**ONE_THREAD_EACH, **os.environ}, stdout=pytest_run['log'])
    nb_passed, nb_failed = notebook_counts(*run_notebooks(nb_cmd, {**ONE_THREAD_EACH, **os.environ}, start_pytest))   # settings of one's own win
    py_passed, py_failed = 0, 0
    if pytest_run:
        rc = pytest_run['proc'].wait()
        pytest_run['log'].seek(0); out = pytest_run['log'].read()
        print('$', ' '.join(py_cmd), '(its output)'); print(out, end='', flush=True)
        py_passed, py_failed = pytest_counts(rc, out.strip())
    backend = os.environ.get('KERAS_BACKEND', 'tensorflow')
    print(f"backend {backend}: notebooks: {nb_passed} passed, {nb_failed} failed; "
          + ('' if args.notebooks_only else f"pytest: {py_passed} passed, {py_failed} failed; ") + f"{time.time() - began:.0f} s")
    print(f"{nb_passed + py_passed} passed, {nb_failed + py_failed} failed")
    sys.exit(1 if nb_failed + py_failed else 0)

if __name__ == '__main__': main()
