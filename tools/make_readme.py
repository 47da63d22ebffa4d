"""Write README.md from nbs/index.ipynb without Quarto (nbdev_readme needs Quarto).

Markdown cells are copied; code cells become fenced Python blocks followed by their
text outputs. Cells marked `#| hide` are left out and `#|` directive lines dropped.
"""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def cell_source(cell): return ''.join(cell['source'])

def directives(src): return [l[3:].strip() for l in src.splitlines() if l.startswith('#|')]

def code_block(src, lang='python'): return f"```{lang}\n{src.strip()}\n```"

def outputs_md(cell):
    out = []
    for o in cell.get('outputs', []):
        text = o.get('text') or o.get('data', {}).get('text/plain')
        if text: out.append(code_block(''.join(text), ''))
    return out

def notebook_to_md(nb):
    parts = []
    for cell in nb['cells']:
        src = cell_source(cell)
        if cell['cell_type'] == 'markdown': parts.append(src.strip()); continue
        if cell['cell_type'] != 'code' or 'hide' in directives(src): continue
        code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|'))
        if code.strip(): parts.append(code_block(code))
        parts += outputs_md(cell)
    return '\n\n'.join(p for p in parts if p) + '\n'

if __name__ == '__main__':
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
    md = "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n"
    (ROOT/'README.md').write_text(md + notebook_to_md(nb), encoding='utf-8')
