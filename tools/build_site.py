"""Build the lessons' web pages (`make docs`): a static site from the committed, executed notebooks, with Sphinx and
myst-nb (Quarto, which nbdev's own `nbdev_docs` needs, cannot be installed offline). Nothing is executed, nothing is
fetched: MathJax comes from the sphinx-mathjax-offline wheel, and each explorer shows its kernel-free page version.

The notebooks are staged first: nbdev's directive lines (`#| export`, ...) and `#| hide` cells are dropped, as nbdev's
own pages drop them, the index gets the table of contents, and an API page lists every public name of the library.
"""
import argparse, importlib, importlib.metadata, json, re, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READING_ORDER = {   # the site's navigation, in the order a learner reads it
    'Lessons': ['10_mnist_vae', '11_bce_as_beta', '12_mse_switch', '13_s_curve', '20_widgets'],
    'Under the hood': ['00_data', '01_likelihoods', '02_elbo', '03_model', '04_iwae', '05_fast_fit', '06_api', '90_benchmark'],
    'Reference': ['api'],
}
MODULES = ['data', 'likelihoods', 'elbo', 'model', 'iwae', 'fastfit', 'collapse', 'scurve', 'mnist', 'widgets', 'benchmark']

def staged_cell(cell):
    "The cell as the page shows it, or None for a hidden one."
    source = ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']
    if cell['cell_type'] == 'code':
        directives = re.findall(r'^#\|\s*(\S+)', source, re.M)
        if 'hide' in directives or any(d.startswith('default_exp') for d in directives): return None
        source = re.sub(r'^#\|.*\n?', '', source, flags=re.M)
    return {**cell, 'source': source}

def stage_notebook(src:Path, dest:Path, extra_cells=()):
    nb = json.loads(src.read_text())
    nb['cells'] = [c for c in map(staged_cell, nb['cells']) if c is not None] + list(extra_cells)
    for i, cell in enumerate(nb['cells']): cell['id'] = f'cell-{i}'   # nbdev_clean drops the ids; nbformat 4.5 wants them
    nb['nbformat_minor'] = max(nb.get('nbformat_minor', 5), 5)
    nb['metadata'].setdefault('kernelspec', {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'})
    nb['metadata']['language_info'] = {'name': 'python'}
    dest.write_text(json.dumps(nb))

def toctree_cell():
    blocks = [f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n" + '\n'.join(names) + "\n```" for caption, names in READING_ORDER.items()]
    return {'cell_type': 'markdown', 'metadata': {}, 'source': '\n\n'.join(blocks)}

def api_page()->str:
    import vae_lessons
    sections = [f"## `vae_lessons.{m}`\n\n```{{eval-rst}}\n.. automodule:: vae_lessons.{m}\n```\n" for m in MODULES]
    return ("# API reference\n\nEvery public name of the library, module by module, from its docstrings and the comments beside each "
            "argument; `from vae_lessons import ...` gives the most used ones (see the `06_api` notebook). "
            f"Version {vae_lessons.__version__}.\n\n" + '\n'.join(sections))

def mathjax_file()->Path:
    files = importlib.metadata.files('sphinx-mathjax-offline')
    found = [f.locate() for f in files if str(f).endswith('mathjax/tex-svg-full.js')]
    if not found: sys.exit("MathJax not found: install sphinx-mathjax-offline (requirements-dev.txt)")
    return Path(found[0])

def build(out:Path, stage:Path)->Path:
    listed = [n for names in READING_ORDER.values() for n in names if n != 'api']
    present = sorted(p.stem for p in (ROOT/'nbs').glob('[0-9]*.ipynb'))
    if sorted(listed) != present:
        sys.exit(f"READING_ORDER in tools/build_site.py must list every numbered notebook once: "
                 f"missing {sorted(set(present) - set(listed))}, unknown {sorted(set(listed) - set(present))}")
    shutil.rmtree(stage, ignore_errors=True); (stage/'_static'/'mathjax').mkdir(parents=True)
    for name in listed: stage_notebook(ROOT/'nbs'/f'{name}.ipynb', stage/f'{name}.ipynb')
    stage_notebook(ROOT/'nbs'/'index.ipynb', stage/'index.ipynb', [toctree_cell()])
    (stage/'api.md').write_text(api_page())
    shutil.copy(mathjax_file(), stage/'_static'/'mathjax'/'tex-svg-full.js')
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-W', '--keep-going', '-c', str(ROOT/'docs'), '-D', f"html_static_path={stage/'_static'}",
                    str(stage), str(out)], check=True)
    for source_map in out.rglob('*.map'): source_map.unlink()   # the theme's debugging aids: never requested by a reader's browser
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=str(ROOT/'build'/'site'), help='where the site goes (default: build/site)')
    args = ap.parse_args()
    out = build(Path(args.out).resolve(), Path(args.out).resolve().parent/(Path(args.out).name + '_src'))
    size = sum(f.stat().st_size for f in out.rglob('*') if f.is_file())
    print(f"site: {out}/index.html ({size/1e6:.1f} MB); open it in a browser, or serve it: python -m http.server -d {out}")
