"""Build the lessons' web pages (`make docs`): a static site from the committed, executed notebooks, with Sphinx and
myst-nb (Quarto, which nbdev's own `nbdev_docs` needs, cannot be installed offline). Nothing is executed, nothing is
fetched: MathJax comes from the sphinx-mathjax-offline wheel, and each explorer shows its kernel-free page version.

The notebooks are staged first: nbdev's directive lines (`#| export`, ...) and `#| hide` cells are dropped, as nbdev's
own pages drop them, exercises' solutions (code cells that start `# a solution`) are folded, the index gets the table of
contents, and an API page lists every public name of the library.
"""
import argparse, importlib, json, pkgutil, re, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE_MARK = '.vae_lessons_site_stage'   # rmtree only what this tool made

def reading_order()->dict:
    "{caption: [notebook, ...]}: the index's own tables (each `## heading` and the notebooks its table rows start with, in order), then the API page."
    index = json.loads((ROOT/'nbs'/'index.ipynb').read_text())
    text = '\n'.join(''.join(c['source']) for c in index['cells'] if c['cell_type'] == 'markdown')
    order = {}
    for heading, body in re.findall(r'^## ([^\n]+)\n(.*?)(?=^## |\Z)', text, re.M | re.S):
        linked = re.findall(r'^\| \[\w+\]\(((?:lessons|under_the_hood)/\d\d_\w+)\.ipynb\)', body, re.M)   # links in prose (e.g. the answer) are not the reading order
        if linked: order[heading.strip()] = list(dict.fromkeys(linked))
    return {**order, 'Reference': ['api']}

def public_modules()->list:
    "Every module of the library with an `__all__`, in the order the notebooks define them."
    import vae_lessons
    modules = [importlib.import_module(f'vae_lessons.{m.name}') for m in pkgutil.iter_modules(vae_lessons.__path__) if not m.name.startswith('_')]
    index = {p.stem: i for i, p in enumerate(sorted((ROOT/'nbs'/'under_the_hood').glob('[0-9]*.ipynb')))}
    source = lambda m: re.search(r'File to edit: \.\./nbs/under_the_hood/(\w+)\.ipynb', Path(m.__file__).read_text())
    return sorted((m.__name__ for m in modules if getattr(m, '__all__', None)),
                  key=lambda name: index.get(source(sys.modules[name]).group(1) if source(sys.modules[name]) else '', 99))

def plain_show_doc(output):
    "nbdev's show_doc markdown without its rule (`---`, which docutils refuses inside an output)."
    markdown = output.get('data', {}).get('text/markdown')
    if markdown is None: return output
    text = ''.join(markdown) if isinstance(markdown, list) else markdown
    text = re.sub(r'^---\s*\n', '', text, flags=re.M)
    return {**output, 'data': {**output['data'], 'text/markdown': text}}

def staged_cell(cell):
    "The cell as the page shows it, or None for a hidden one."
    source = ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']
    metadata = dict(cell.get('metadata', {}))
    if cell['cell_type'] == 'code':
        directives = [d.strip() for d in re.findall(r'^#\|\s*(.+)$', source, re.M)]
        if {'hide', 'include: false'} & set(directives) or any(d.startswith('default_exp') for d in directives): return None
        if {'echo: false', 'hide_input'} & set(directives): metadata['tags'] = metadata.get('tags', []) + ['remove-input']
        if source.startswith('# a solution'): metadata['tags'] = metadata.get('tags', []) + ['hide-input']   # an exercise's solution: folded until asked for
        source = re.sub(r'^#\|.*\n?', '', source, flags=re.M)
        if source.startswith('show_doc('): cell = {**cell, 'outputs': [plain_show_doc(o) for o in cell.get('outputs', [])]}
    return {**cell, 'source': source, 'metadata': metadata}

def stage_notebook(src:Path, dest:Path, extra_cells=()):
    nb = json.loads(src.read_text())
    nb['cells'] = [c for c in map(staged_cell, nb['cells']) if c is not None] + list(extra_cells)
    for i, cell in enumerate(nb['cells']): cell['id'] = f'cell-{i}'   # nbdev_clean drops the ids; nbformat 4.5 wants them
    nb['nbformat_minor'] = max(nb.get('nbformat_minor', 5), 5)
    nb['metadata'].setdefault('kernelspec', {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'})
    nb['metadata']['language_info'] = {'name': 'python'}
    dest.write_text(json.dumps(nb))

def toctree_cell(order:dict):
    blocks = [f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n" + '\n'.join(names) + "\n```" for caption, names in order.items()]
    return {'cell_type': 'markdown', 'metadata': {}, 'source': '\n\n'.join(blocks)}

def api_page()->str:
    import vae_lessons
    sections = [f"## `{m}`\n\n```{{eval-rst}}\n.. automodule:: {m}\n```\n" for m in public_modules()]
    return ("# API reference\n\nEvery public name of the library, module by module, from its docstrings and the comments beside each "
            "argument; `from vae_lessons import ...` gives the most used ones (see [the public API](under_the_hood/06_api.ipynb)). "
            f"Version {vae_lessons.__version__}.\n\n" + '\n'.join(sections))

def clear(folder:Path, mark:str=None):
    "Empty `folder` for a new build, refusing one this tool did not make (a typo in --out must not delete the notebooks)."
    if folder.exists() and any(folder.iterdir()):
        made_here = (folder/mark).exists() if mark else (folder/'objects.inv').exists()
        if not made_here: sys.exit(f"{folder} is not empty and is not a site this tool built: choose another --out")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if mark: (folder/mark).touch()

def build(out:Path, stage:Path)->Path:
    order = reading_order()
    listed = [n for names in order.values() for n in names if n != 'api']
    present = sorted(str(p.relative_to(ROOT/'nbs').with_suffix('')) for p in (ROOT/'nbs').glob('*/[0-9]*.ipynb'))
    if sorted(listed) != present:
        sys.exit(f"the tables of nbs/index.ipynb must link every numbered notebook once: "
                 f"missing {sorted(set(present) - set(listed))}, unknown or twice {sorted(set(listed) ^ set(present) | {n for n in listed if listed.count(n) > 1})}")
    clear(stage, STAGE_MARK)
    for name in listed:
        (stage/name).parent.mkdir(parents=True, exist_ok=True)
        stage_notebook(ROOT/'nbs'/f'{name}.ipynb', stage/f'{name}.ipynb')
    stage_notebook(ROOT/'nbs'/'index.ipynb', stage/'index.ipynb', [toctree_cell(order)])
    shutil.copytree(ROOT/'nbs'/'images', stage/'images')   # the index's figure (see tools/make_readme.py)
    (stage/'api.md').write_text(api_page())
    clear(out)
    subprocess.run([sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-W', '--keep-going', '-c', str(ROOT/'docs'),
                    '-d', str(stage/'.doctrees'),   # Sphinx's cache beside the staged notebooks, not in the site
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
