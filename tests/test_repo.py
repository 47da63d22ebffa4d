"The repository keeps its promises: the README lists every notebook, its two commands exist, CI runs the test command."
import json, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _course_table():
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
    text = '\n'.join(''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'markdown')
    return set(re.findall(r'^\| *`([0-9][0-9a-z_]*)`', text, re.M))

def test_readme_course_table_lists_every_notebook():
    listed = _course_table()
    notebooks = {p.stem for p in (ROOT/'nbs').glob('*.ipynb') if p.stem != 'index'}
    assert notebooks - listed == set(), f"notebooks missing from the course table of nbs/index.ipynb: {sorted(notebooks - listed)}"
    assert listed - notebooks == set(), f"the course table names notebooks that do not exist: {sorted(listed - notebooks)}"

def test_readme_commands_are_make_targets_and_ci_runs_the_test_command():
    readme = (ROOT/'README.md').read_text(encoding='utf-8')
    makefile = (ROOT/'Makefile').read_text(encoding='utf-8')
    for target in re.findall(r'^make (\w[\w-]*)', readme, re.M):
        assert re.search(rf'^{target}:', makefile, re.M), f"README says `make {target}` but the Makefile has no such target"
    assert 'make train' in readme and 'make test' in readme
    assert re.search(r'^make test\b', (ROOT/'.ci'/'run').read_text(encoding='utf-8'), re.M)

def test_import_needs_no_cupy_matplotlib_or_torch():
    "`import tinygrad_edu` works without the optional/heavy libraries being imported."
    code = ("import sys, tinygrad_edu; bad = [m for m in ('cupy', 'matplotlib', 'torch', 'PIL') if m in sys.modules]; "
            "assert not bad, bad; assert tinygrad_edu.cuda.is_available() in (True, False)")
    subprocess.run([sys.executable, '-c', code], check=True, cwd=ROOT)
