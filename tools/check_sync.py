"""Fail if the committed package, notebooks or README are not what the notebooks produce.

Runs `nbdev_export`, `nbdev_clean` and `tools/make_readme.py`, and compares every
file they may write before and after. Changed files are left in their regenerated
state and listed, so a developer can review and commit them.
"""
import hashlib, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

def snapshot():
    files = [p for p in (ROOT/'tinygrad_edu').rglob('*') if p.is_file() and '__pycache__' not in p.parts]
    files += list((ROOT/'nbs').rglob('*.ipynb')) + [ROOT/'README.md']
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.exists()
            and '.ipynb_checkpoints' not in p.parts}

def run(*cmd):
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode: sys.exit(f"{' '.join(map(str, cmd))} failed:\n{r.stdout}\n{r.stderr}")

before = snapshot()
run(BIN/'nbdev_export')
run(BIN/'nbdev_clean')
run(sys.executable, ROOT/'tools'/'make_readme.py')
after = snapshot()
changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
if changed:
    print("Out of sync with the notebooks (nbdev_export / nbdev_clean / make_readme changed these):")
    for f in changed: print("  ", f)
    print("Review the regenerated files and commit them.")
    sys.exit(1)
print(f"in sync: {len(after)} files (package, notebooks, README) match what the notebooks generate")
