"""Keep only the last state of each progress bar in the lessons' committed outputs.

A Keras progress bar redraws itself with carriage returns, so a stream output holds every state it passed through
(dozens of lines on a page). A terminal shows only the last one, and so do the lessons: for each line of a stream
output that holds `\\r`, the text after the last `\\r` is kept, without backspaces and colour codes — the bar's final
line, with the time the study took. `make sync` runs it before nbdev_clean; `--check` lists the notebooks it would
change and fails if there are any.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r'\x1b\[[0-9;]*m')

def terminal_line(line:str)->str:
    "What a terminal shows of one line written with carriage returns and backspaces (colour codes dropped)."
    shown, at = [], 0
    for ch in ANSI.sub('', line):
        if ch == '\r': at = 0
        elif ch == '\b': at = max(at - 1, 0)
        else:
            if at < len(shown): shown[at] = ch
            else: shown.append(ch)
            at += 1
    return ''.join(shown).rstrip()

def last_state(text:str)->str:
    "The text as a terminal leaves it: each redrawn line in its last state; a line that ends up empty is dropped."
    lines = [terminal_line(l) if ('\r' in l or '\b' in l) else l for l in text.split('\n')]
    return '\n'.join(l for l, old in zip(lines, text.split('\n')) if l or not ('\r' in old or '\b' in old))

def tidy(nb)->bool:
    "Merge each run of stream outputs to one stream (as Jupyter shows them) and keep the progress bars' last states."
    changed = False
    for cell in nb['cells']:
        merged = []
        for out in cell.get('outputs', []):
            if out.get('output_type') == 'stream':
                text = ''.join(out['text']) if isinstance(out['text'], list) else out['text']
                if merged and merged[-1].get('output_type') == 'stream' and merged[-1]['name'] == out['name']:
                    merged[-1]['text'] += text; changed = True; continue
                out = {**out, 'text': text}
            merged.append(out)
        for out in merged:
            if out.get('output_type') != 'stream': continue
            new = last_state(out['text'])
            changed |= new != out['text']
            out['text'] = new.splitlines(keepends=True)
        if 'outputs' in cell: cell['outputs'] = merged
    return changed

def main():
    check, wrong = '--check' in sys.argv, []
    for path in sorted((ROOT/'nbs'/'lessons').glob('*.ipynb')):
        nb = json.loads(path.read_text())
        if not tidy(nb): continue
        if check: wrong.append(str(path.relative_to(ROOT))); continue
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
        print(f"kept the last state of the progress bars in {path.relative_to(ROOT)}")
    if wrong: sys.exit("progress bars with every state committed (run `make sync`):\n" + '\n'.join(wrong))

if __name__ == '__main__': main()
