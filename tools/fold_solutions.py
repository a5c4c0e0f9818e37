"""Fold every exercise's solution in JupyterLab, as the web pages fold it: a code cell that starts `# a solution` gets
`metadata.jupyter = {source_hidden: true, outputs_hidden: true}`, so a learner sees a collapsed cell (click to open) in the
lesson's Solutions section instead of the answer, and its committed outputs are cleared (what it prints would give the
answer away on the page; running it shows them). The cells still run with the notebook (their asserts prove the solution right).
`make sync` runs it before nbdev_clean, which keeps the `jupyter` key (settings.ini: allowed_cell_metadata_keys).
`--check` lists notebooks whose solutions are not folded, and fails if there are any.
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDED = {'source_hidden': True, 'outputs_hidden': True}

def is_solution(cell)->bool:
    source = ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']
    return cell['cell_type'] == 'code' and source.startswith('# a solution')

def unfolded(nb)->list:
    "Solution cells not folded, or with committed outputs."
    return [i for i, c in enumerate(nb['cells']) if is_solution(c) and (c.get('metadata', {}).get('jupyter') != FOLDED or c.get('outputs'))]

def main():
    check, wrong = '--check' in sys.argv, []
    for path in sorted((ROOT/'nbs').rglob('*.ipynb')):
        if '.ipynb_checkpoints' in path.parts: continue
        nb = json.loads(path.read_text())
        cells = unfolded(nb)
        if not cells: continue
        if check: wrong.append(f"{path.relative_to(ROOT)}: cells {cells}"); continue
        for i in cells:
            nb['cells'][i].setdefault('metadata', {})['jupyter'] = dict(FOLDED)
            nb['cells'][i]['outputs'], nb['cells'][i]['execution_count'] = [], None
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
        print(f"folded {len(cells)} solution(s) in {path.relative_to(ROOT)}")
    if wrong: sys.exit("solutions not folded (run `make sync`):\n" + '\n'.join(wrong))

if __name__ == '__main__': main()
