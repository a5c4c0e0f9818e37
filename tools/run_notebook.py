"""Execute lesson notebooks in place, for committing them with their outputs (then `make sync` cleans them).

    python tools/run_notebook.py nbs/lessons/13_s_curve.ipynb    # every cell, `#| slow` ones included
    python tools/run_notebook.py --keep-slow nbs/lessons/10_mnist_vae.ipynb
        # skip `#| slow` cells and keep their committed outputs: for editing a lesson's fast path without
        # re-running its long study (only valid when no later cell uses what a slow cell computes)
    python tools/run_notebook.py --only 3f2a9c1e,77b0d2aa nbs/lessons/11_bce_as_beta.ipynb
        # run just these (self-contained) cells, keeping every other cell's committed output

Runs with the notebook's folder as working directory, like nbdev_test, and never stores widget state
(a committed notebook keeps no live widgets: the lessons show static figures of them instead).
"""
import argparse, os, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient


class Client(NotebookClient):
    keep_slow, only = False, None

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if self.keep_slow and cell.cell_type == 'code' and cell.source.lstrip().startswith('#| slow'):
            return cell
        if self.only is not None and cell.get('id') not in self.only:
            return cell
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('notebooks', nargs='+', type=Path)
    ap.add_argument('--keep-slow', action='store_true', help='skip #| slow cells, keeping their committed outputs')
    ap.add_argument('--only', default=None, help='comma-separated cell ids: run only these, keep the other outputs')
    ap.add_argument('--timeout', type=int, default=3600, help='seconds per cell')
    args = ap.parse_args()
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2'); os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')
    os.environ['VAE_LESSONS_PAGE_VERSIONS'] = '1'   # each explorer stores its kernel-free page version for the web pages
    if os.environ.get('VAE_LESSONS_MNIST'):
        os.environ['VAE_LESSONS_MNIST'] = str(Path(os.environ['VAE_LESSONS_MNIST']).resolve())
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        client = Client(nb, timeout=args.timeout, kernel_name='python3', store_widget_state=False,
                        resources={'metadata': {'path': str(path.resolve().parent)}})
        client.keep_slow, client.only = args.keep_slow, (set(args.only.split(',')) if args.only else None)
        if client.only is not None and not client.only <= {c.get('id') for c in nb.cells}:
            sys.exit(f"no cell with id {sorted(client.only - {c.get('id') for c in nb.cells})} in {path}")
        print(f"executing {path}{' (keeping slow cells)' if args.keep_slow else ''}", flush=True)
        client.execute()
        nb.metadata.pop('widgets', None)
        nbformat.write(nb, path)


if __name__ == '__main__': main()
