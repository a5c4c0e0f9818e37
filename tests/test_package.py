"Checks of the package as a whole; the lessons' own tests are the notebook cells (run by nbdev_test)."
import configparser, importlib, re, sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
CFG = configparser.ConfigParser(delimiters=['=']); CFG.read(ROOT/'settings.ini')

def exported_modules():
    from vae_lessons._modidx import d
    return sorted(d['syms'])

@pytest.mark.parametrize('module', exported_modules())
def test_every_exported_module_imports(module):
    importlib.import_module(module)

def test_version_matches_settings():
    import vae_lessons
    assert vae_lessons.__version__ == CFG['DEFAULT']['version']

def test_readme_starts_with_the_two_commands():
    text = (ROOT/'README.md').read_text()
    first_block = re.search(r'```\w*\n(.*?)```', text, re.S).group(1)
    commands = [l.split('#')[0].strip() for l in first_block.splitlines() if l.split('#')[0].strip()]
    assert commands == ['make lab', 'make test'], commands
    assert text.index('```') < text.index('\n## '), "the commands must come before any section"

def test_requirements_are_loose_and_platform_aware():
    import shlex
    reqs = [Requirement(r) for r in shlex.split(CFG['DEFAULT']['requirements'])]
    names = {r.name for r in reqs}
    assert {'keras', 'numpy', 'scipy', 'matplotlib', 'ipywidgets', 'tensorflow-cpu', 'tensorflow'} <= names
    assert not any(str(r.specifier).startswith('==') for r in reqs), "library requirements must not pin"
    linux = dict(sys_platform='linux', platform_machine='x86_64')
    mac = dict(sys_platform='darwin', platform_machine='arm64')
    tf = {r.name: r for r in reqs if r.name.startswith('tensorflow')}
    assert tf['tensorflow-cpu'].marker.evaluate(linux) and not tf['tensorflow-cpu'].marker.evaluate(mac)
    assert tf['tensorflow'].marker.evaluate(mac) and not tf['tensorflow'].marker.evaluate(linux)

def test_notebooks_keep_no_widget_state():
    "Committed notebooks are read on the web: widget state blobs would only bloat them (nbconvert with store_widget_state=False)."
    import json
    for nb in sorted((ROOT/'nbs').rglob('*.ipynb')):
        meta = json.loads(nb.read_text())['metadata']
        assert 'widgets' not in meta, f"{nb.name} stores widget state; re-run it with --ExecutePreprocessor.store_widget_state=False"


def test_readme_and_metadata_links_are_real():
    "Every link in the README points at a file of the repository (no site or repository is hosted); the package metadata names no placeholder host or address."
    import configparser, re
    readme = (ROOT/'README.md').read_text()
    targets = re.findall(r'\]\(([^)\s]+)\)', readme)
    assert targets, "the README links its notebooks"
    for target in targets:
        assert not target.startswith(('http://', 'https://')), f"README links off the repository: {target}"
        assert (ROOT/target.split('#')[0]).exists(), f"README links a missing file: {target}"
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    values = ' '.join(cfg['DEFAULT'].values())
    assert not re.search(r'\.invalid|example\.(com|org)|vae-lessons\.github\.io|github\.com/vae-lessons', values), values

def test_solutions_are_folded_in_jupyterlab():
    "An exercise's solution opens collapsed in JupyterLab (and on the pages): the learner tries first, then clicks (tools/fold_solutions.py)."
    import json
    sys.path.insert(0, str(ROOT/'tools'))
    from fold_solutions import is_solution, unfolded
    solutions = 0
    for nb_path in sorted((ROOT/'nbs'/'lessons').glob('*.ipynb')):
        nb = json.loads(nb_path.read_text())
        solutions += sum(map(is_solution, nb['cells']))
        assert not unfolded(nb), f"{nb_path.name}: solution cells {unfolded(nb)} are not folded; run `make sync`"
    assert solutions >= 18, f"the six lessons have three exercises each, found {solutions} solutions"

def test_show_doc_outputs_link_nowhere():
    "The committed show_doc outputs come from settings.ini's renderer, without nbdev's [source] link to a hosted repository (there is none)."
    import json
    shown = 0
    for nb_path in sorted((ROOT/'nbs'/'under_the_hood').glob('*.ipynb')):
        for cell in json.loads(nb_path.read_text())['cells']:
            if cell['cell_type'] != 'code' or not ''.join(cell['source']).startswith('show_doc('): continue
            for output in cell.get('outputs', []):
                markdown = ''.join(output.get('data', {}).get('text/markdown', ''))
                shown += bool(markdown)
                assert '[source](' not in markdown, f"{nb_path.name}: a show_doc output links to a hosted file; re-run the notebook"
    assert shown >= 50, f"the library's notebooks document their names with show_doc, found {shown} outputs"
