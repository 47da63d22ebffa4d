"""Execute notebooks in place so their committed outputs are current, then clean them.

    python tools/run_nb.py nbs/01_tensor.ipynb [more.ipynb ...] [--skip slow] [--skip cuda]

Cells flagged `#| cuda` are skipped unless a GPU is present; `--skip slow` also skips
`#| slow` cells (their previous outputs are kept). Execution stops at the first error.
"""
import argparse, os, subprocess, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

def flags_of(src):
    "The words of a cell's `#|` directive lines (`#| slow` -> {'slow'})."
    words = set()
    for line in src.splitlines():
        if not line.startswith('#|'): break
        words.update(line[2:].replace(':', ' ').split())
    return words

def run(path, skip):
    path = Path(path).resolve()
    nb = read_nb(path)
    def skipped(cell): return cell.cell_type != 'code' or bool(flags_of(cell.source) & skip)
    sh = CaptureShell(path)
    cwd = os.getcwd(); os.chdir(path.parent)
    try: sh.run_all(nb, exc_stop=True, preproc=skipped)
    finally: os.chdir(cwd)
    write_nb(nb, path)

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('notebooks', nargs='+')
    p.add_argument('--skip', action='append', default=[])
    a = p.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tinygrad_edu.backend import cuda_is_available
    skip = set(a.skip) | (set() if cuda_is_available() else {'cuda'})
    for nb in a.notebooks:
        print('running', nb, flush=True); run(nb, skip)
    subprocess.run([Path(sys.executable).parent/'nbdev_clean'], check=True)
