"""Run every notebook's cells as tests, each notebook in a fresh Python process (as a learner's kernel).

nbdev_test's own parallel mode reuses worker processes, so one notebook's re-definitions (notebooks patch
methods onto Tensor as they teach) would leak into the next. Here each notebook gets its own
`nbdev_test --path` process; two run at a time. Flags `slow` and `cuda` stay off unless given:

    python tools/nbtest.py [--flags "slow cuda"] [notebooks...]
"""
import argparse, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBTEST = Path(sys.executable).parent / 'nbdev_test'

def run(nb, flags):
    t = time.time()
    cmd = [str(NBTEST), '--path', str(nb)] + (['--flags', flags] if flags else [])
    r = subprocess.run(cmd, cwd=ROOT / 'nbs', capture_output=True, text=True)
    return nb, r.returncode == 0, time.time() - t, r.stdout + r.stderr

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('notebooks', nargs='*')
    p.add_argument('--flags', default='')
    p.add_argument('--workers', type=int, default=2)
    a = p.parse_args()
    nbs = [Path(n).resolve() for n in a.notebooks] or sorted((ROOT / 'nbs').glob('*.ipynb'))
    with ThreadPoolExecutor(a.workers) as ex:
        results = list(ex.map(lambda nb: run(nb, a.flags), nbs))
    failed = [r for r in results if not r[1]]
    for nb, ok, secs, out in results: print(f"{'ok  ' if ok else 'FAIL'} {secs:6.1f}s  {nb.name}")
    for nb, ok, secs, out in failed: print(f"\n===== {nb.name} =====\n{out[-6000:]}")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)
