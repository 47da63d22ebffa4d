"""Build the docs site from the notebooks, offline, into `_site/` (`make docs`).

nbdev's renderer is Quarto, which cannot be installed here, so the site is built with MkDocs
Material + mkdocs-jupyter from processed copies of the notebooks:

1. every `nbs/*.ipynb`, in filename order (= course order), is processed into `_proc/docs/`:
   `#| hide` / `#| include: false` cells dropped, `#| echo: false` inputs and `#| output: false`
   outputs removed, `#|` directive lines and `#| hide_line` lines stripped, ANSI codes stripped,
   and after each `#| export` cell an API entry (signature, docstring, source link) for each name
   it exports, as nbdev's `show_doc` would add. Backticked API names and notebook names in prose
   become links. Committed outputs are kept: no notebook is executed.
2. `api.md` lists every exported name of every notebook, each linking to its notebook section.
3. `docs/mkdocs.yml` + metadata from `settings.ini` + the nav become `_proc/mkdocs.yml`;
   `mkdocs build` writes `_site/`; MathJax (from the jupyter-server-mathjax wheel) is copied in.

Usage: python tools/build_docs.py [--site _site] [--quiet]
"""
import argparse, ast, os, configparser, copy, html, importlib, inspect, json, re, shutil, subprocess, sys, time
from pathlib import Path

import markdown as _markdown
import yaml

ROOT = Path(__file__).resolve().parent.parent
PROC = ROOT/'_proc'/'docs'

def settings():
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(ROOT/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']

def notebooks(nbs=None):
    "Every notebook of `nbs/` in filename order (course order); `index.ipynb` is the home page."
    nbs = Path(nbs or ROOT/'nbs')
    return sorted(p for p in nbs.glob('*.ipynb') if not p.name.startswith(('_', '.')))

# ---------------------------------------------------------------- directives
_re_dir = re.compile(r'^\s*#\|\s*(.*)$')

def split_directives(src):
    "The `#|` directives at the top of a code cell (as {name: [args]}) and the remaining source."
    lines, dirs = src.splitlines(), {}
    i = 0
    while i < len(lines) and (_re_dir.match(lines[i]) or not lines[i].strip()):
        m = _re_dir.match(lines[i])
        if m and m.group(1).strip():
            k, *args = m.group(1).split()
            dirs[k.rstrip(':') if k.endswith(':') else k] = args
        i += 1
    body = [l for l in lines[i:] if not re.search(r'#\|\s*hide_line\s*$', l)]
    return dirs, '\n'.join(body).strip('\n')

def falsy(dirs, k): return k in dirs and dirs[k][:1] and dirs[k][0].lower() == 'false'

_ansi = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
def strip_ansi(o):
    if 'text' in o: o['text'] = _ansi.sub('', ''.join(o['text']) if isinstance(o['text'], list) else o['text'])
    if 'traceback' in o: o['traceback'] = [_ansi.sub('', l) for l in o['traceback']]
    return o

# ---------------------------------------------------------------- API entries
def module_name(lib, mod):
    return lib if mod in ('__init__', '') else f'{lib}.{mod}'

def exported_names(src, mod, lib):
    "Names a `#| export` cell defines that the module exports (`__all__`), plus `@patch...` methods."
    try: tree = ast.parse(src)
    except SyntaxError: return []
    m = importlib.import_module(module_name(lib, mod))
    public = set(getattr(m, '__all__', []))
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            decs = [d.id if isinstance(d, ast.Name) else getattr(d, 'attr', '') for d in node.decorator_list]
            patched = [d for d in decs if d.startswith('patch')]
            if patched and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name.startswith('_') and node.name not in _DUNDERS_SHOWN: continue
                cls = patch_target(node, m)
                if cls is not None: names.append(f'{cls.__name__}.{node.name}')
            elif node.name in public: names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name) and n.id in public: names.append(n.id)
    return list(dict.fromkeys(names))

_DUNDERS_SHOWN = {'__getitem__', '__setitem__', '__len__', '__iter__', '__call__', '__matmul__'}

def patch_target(node, m):
    "The class a `@patch`-style function is attached to: its `self` annotation, else `Tensor`."
    args = node.args.args
    if args and args[0].annotation is not None:
        ann = args[0].annotation
        nm = ann.id if isinstance(ann, ast.Name) else getattr(ann, 'attr', None)
        if nm and hasattr(m, nm): return getattr(m, nm)
    return getattr(m, 'Tensor', None)

def resolve(name, mod, lib):
    obj = importlib.import_module(module_name(lib, mod))
    for part in name.split('.'):
        obj = inspect.getattr_static(obj, part) if inspect.isclass(obj) else getattr(obj, part)
    if isinstance(obj, (staticmethod, classmethod)): obj = obj.__func__
    return obj

def signature(name, obj):
    short = name.split('.')[-1]
    if isinstance(obj, property): return f'{name}  # property'
    if inspect.isclass(obj):
        try: sig = str(inspect.signature(obj))
        except (ValueError, TypeError): sig = '(...)'
        return f'class {short}{sig}'
    if callable(obj):
        try: sig = str(inspect.signature(obj))
        except (ValueError, TypeError): sig = '(...)'
        return f'{name}{sig}'
    r = repr(obj)
    return f'{name} = {r if len(r) <= 90 else r[:87] + "..."}'

def docstring(obj):
    if isinstance(obj, property) or inspect.isclass(obj) or inspect.isroutine(obj) or callable(obj) and hasattr(obj, '__wrapped__'):
        return inspect.getdoc(obj) or ''
    return ''  # a plain value (a dtype, a dict): its class's docstring would mislead

def source_link(obj, cfg):
    try:
        target = obj.fget if isinstance(obj, property) else inspect.unwrap(obj)
        path = Path(inspect.getsourcefile(target)).resolve()
        line = inspect.getsourcelines(target)[1]
        rel = path.relative_to(ROOT)
    except (TypeError, OSError, ValueError): return ''
    return f"{cfg['git_url']}/blob/{cfg['branch']}/{rel.as_posix()}#L{line}"

def md(text): return _markdown.markdown(text, extensions=['tables'])

def members(obj):
    "Public methods and properties defined in a class body (not those patched on later)."
    if not inspect.isclass(obj): return []
    out = []
    for k, v in vars(obj).items():
        if k.startswith('_') and k not in ('__init__', '__call__'): continue
        f = v.__func__ if isinstance(v, (staticmethod, classmethod)) else v
        if k == '__init__': continue
        if isinstance(f, property) or inspect.isfunction(f) and f.__qualname__.startswith(obj.__name__ + '.'):
            out.append((k, f))
    return out

def entry_html(name, mod, lib, cfg, page=None):
    "One API entry as an HTML block (no blank lines, so Markdown renderers keep it whole)."
    obj = resolve(name, mod, lib)
    parts = [f'<div class="api-entry" id="{html.escape(name)}" markdown="0">',
             f'<p class="api-name"><code>{html.escape(name)}</code>']
    src = source_link(obj, cfg)
    if src: parts.append(f'<a class="api-source" href="{src}">source</a>')
    if page: parts.append(f'<a class="api-where" href="{page}.html#{html.escape(name)}">{html.escape(page)}</a>')
    parts.append('</p>')
    parts.append(f'<pre class="api-sig"><code>{html.escape(signature(name, obj))}</code></pre>')
    doc = docstring(obj)
    if doc: parts.append(f'<div class="api-doc">{md(doc)}</div>')
    mem = members(obj)
    if mem:
        rows = ''.join(f'<tr><td><code>{html.escape(signature(k, f))}</code></td>'
                       f'<td>{md((inspect.getdoc(f) or "").split(chr(10)+chr(10))[0])}</td></tr>' for k, f in mem)
        parts.append(f'<table class="api-members"><tbody>{rows}</tbody></table>')
    parts.append('</div>')
    return '\n'.join(re.sub(r'\n\s*\n', '\n', p) for p in parts)

# ---------------------------------------------------------------- links in prose
_re_tick = re.compile(r'(?<![\[\w`])`(\w[\w.]*)(\(\))?`(?![\]`])')

def linkify(text, targets, here):
    "Turn `name` into a link when `name` is an API name or a notebook; leave code fences and headings."
    out, fence = [], False
    for line in text.split('\n'):
        if line.lstrip().startswith(('```', '~~~')): fence = not fence
        if fence or line.lstrip().startswith('#') or line.startswith('    '): out.append(line); continue
        def sub(m):
            t = targets.get(m.group(1))
            if t is None: return m.group(0)
            page, anchor = t
            href = (f'{page}.html' if page != here else '') + (f'#{anchor}' if anchor else '')
            return f'[{m.group(0)}]({href})' if href else m.group(0)
        out.append(_re_tick.sub(sub, line))
    return '\n'.join(out)

# ---------------------------------------------------------------- notebooks
def first_heading(nb):
    for c in nb['cells']:
        if c['cell_type'] == 'markdown':
            m = re.search(r'^#\s+(.+)$', ''.join(c['source']), re.M)
            if m: return m.group(1).strip().replace('`', '')
    return None

def default_exp(nb):
    for c in nb['cells']:
        if c['cell_type'] == 'code':
            m = re.search(r'^\s*#\|\s*default_exp\s+(\S+)', ''.join(c['source']), re.M)
            if m: return m.group(1)
    return None

def mk_md(src): return {'cell_type': 'markdown', 'metadata': {}, 'source': src}

def process(nb, page, lib, cfg, api):
    "Process one notebook in memory: returns the cells the site shows. Fills `api[page]`."
    mod = default_exp(nb)
    cells, entries = [], []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            cells.append(mk_md(src)); continue
        if c['cell_type'] != 'code': continue
        dirs, body = split_directives(src)
        if 'hide' in dirs or falsy(dirs, 'include') or 'default_exp' in dirs and not body: continue
        if body.startswith('show_doc(') and mod:
            nm = re.match(r'show_doc\(([\w.]+)', body)
            if nm: cells.append(mk_md(entry_html(nm.group(1), mod, lib, cfg))); entries.append((nm.group(1), mod))
            continue
        c = copy.deepcopy(c)
        c['source'] = body
        c['metadata'] = {}
        c['outputs'] = [strip_ansi(o) for o in c.get('outputs', [])]
        if falsy(dirs, 'output') or 'hide_output' in dirs: c['outputs'] = []
        if falsy(dirs, 'echo') or 'hide_input' in dirs: c['metadata']['tags'] = ['remove_input']
        if not body and not c['outputs']: continue
        if c['metadata'].get('tags') and not c['outputs']: continue
        cells.append(c)
        exp = next((k for k in ('export', 'exports', 'exporti') if k in dirs), None)
        if exp and mod:
            m = dirs[exp][0] if dirs[exp] else mod
            for name in exported_names(body, m, lib):
                if name in {e[0] for e in entries}: continue
                cells.append(mk_md(entry_html(name, m, lib, cfg)))
                entries.append((name, m))
    api[page] = entries
    return cells

def write_nb(nb, cells, path):
    out = {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'},
                                        'language_info': {'name': 'python'}}, 'nbformat': 4, 'nbformat_minor': 5}
    for c in out['cells']:
        c.pop('id', None)
        if c['cell_type'] == 'code': c.setdefault('execution_count', None)
    path.write_text(json.dumps(out, indent=1), encoding='utf-8')

def api_page(order, api, titles, lib, cfg):
    lines = ['# API reference', '',
             f'Every name exported by `{lib}`, in course order. Each entry links to the notebook section '
             'that defines it (the code and the tests around it).', '']
    for page in order:
        if not api.get(page): continue
        lines += [f'## {titles[page]}', '', f'Notebook: [{page}]({page}.ipynb)', '']
        for name, mod in api[page]:
            lines += [f'### {name} {{ #{name} data-toc-label="{name}" }}', '', entry_html(name, mod, lib, cfg, page=page), '']
    return '\n'.join(lines)

def missing_names(api, lib):
    "Names in some module's `__all__` that no notebook page documents (should be empty); a re-export of a documented object counts as documented."
    shown = {(module_name(lib, m), n) for entries in api.values() for n, m in entries}
    documented = {id(o) for entries in api.values() for n, m in entries if (o := resolve(n, m, lib)) is not None}
    pkg = importlib.import_module(lib)
    mods = {module_name(lib, m) for entries in api.values() for _, m in entries} | {lib}
    miss = []
    for mn in sorted(mods):
        m = importlib.import_module(mn)
        for n in getattr(m, '__all__', []):
            if (mn, n) not in shown and id(getattr(m, n, None)) not in documented: miss.append(f'{mn}.{n}')
    return miss

def mkdocs_config(cfg, nav, docs_dir, site_dir):
    conf = yaml.safe_load((ROOT/'docs'/'mkdocs.yml').read_text(encoding='utf-8'))
    conf.update(site_name=cfg['title'], site_description=cfg['description'], site_author=cfg['author'],
                repo_url=cfg['git_url'], repo_name=cfg['git_url'].rstrip('/').split('/', 3)[-1],
                copyright=f"Copyright © {cfg['copyright']} · {cfg['license']} license",
                site_url=cfg['doc_host'].rstrip('/') + cfg['doc_baseurl'].rstrip('/') + '/',
                edit_uri=f"blob/{cfg['branch']}/{cfg['nbs_path']}/",
                docs_dir=str(docs_dir), site_dir=str(site_dir), nav=nav)
    conf['theme']['custom_dir'] = str(ROOT/'docs'/'overrides')
    return conf

def build(site=ROOT/'_site', quiet=False):
    t0 = time.time()
    cfg = settings()
    lib = cfg['lib_name']
    sys.path.insert(0, str(ROOT))
    if PROC.exists(): shutil.rmtree(PROC)
    PROC.mkdir(parents=True)
    nbs = notebooks(ROOT/cfg.get('nbs_path', 'nbs'))
    loaded = {p.stem: json.loads(p.read_text(encoding='utf-8')) for p in nbs}
    order = [s for s in loaded if s != 'index']
    titles = {s: (f"{s.split('_')[0]} · " if s[:2].isdigit() else '') + (first_heading(nb) or s) for s, nb in loaded.items()}
    api, processed = {}, {}
    for stem, nb in loaded.items(): processed[stem] = process(nb, stem, lib, cfg, api)
    # link targets: API names (first definition wins) and notebook names
    targets = {}
    for page in order:
        for name, _ in api.get(page, []):
            targets.setdefault(name, (page, name))
    for s in order: targets[s] = (s, None)
    for stem, cells in processed.items():
        for c in cells:
            if c['cell_type'] == 'markdown' and not c['source'].startswith('<div class="api-entry"'):
                c['source'] = linkify(c['source'], targets, stem)
        write_nb(loaded[stem], cells, PROC/f'{stem}.ipynb')
    (PROC/'api.md').write_text(api_page(order, api, titles, lib, cfg), encoding='utf-8')
    (PROC/'stylesheets').mkdir()
    shutil.copy(ROOT/'docs'/'stylesheets'/'extra.css', PROC/'stylesheets'/'extra.css')
    nav = ([{'Home': 'index.ipynb'}] if 'index' in loaded else []) + [{titles[s]: f'{s}.ipynb'} for s in order] \
          + [{'API reference': 'api.md'}]
    conf_path = ROOT/'_proc'/'mkdocs.yml'
    conf_path.write_text(yaml.safe_dump(mkdocs_config(cfg, nav, PROC, Path(site).resolve()), sort_keys=False,
                                        allow_unicode=True), encoding='utf-8')
    miss = missing_names(api, lib)
    if miss: print('build_docs: exported names with no API entry:', ', '.join(miss), file=sys.stderr)
    t1 = time.time()
    env = dict(os.environ, NO_MKDOCS_2_WARNING='1')
    r = subprocess.run([sys.executable, __file__, '--mkdocs', str(conf_path)] + (['--quiet'] if quiet else []), cwd=ROOT, env=env)
    if r.returncode: sys.exit(r.returncode)
    import jupyter_server_mathjax
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent/'static', Path(site)/'assets'/'mathjax', dirs_exist_ok=True)
    pages = len(order) + ('index' in loaded) + 1
    n_api = sum(len(v) for v in api.values())
    print(f'build_docs: processing {t1 - t0:.1f} s, mkdocs {time.time() - t1:.1f} s', )
    print(f'build_docs: {pages} pages ({len(order)} notebooks + home + API reference), {n_api} API entries, '
          f'{time.time() - t0:.1f} s -> {Path(site).resolve().relative_to(ROOT) if Path(site).resolve().is_relative_to(ROOT) else site}')
    return dict(pages=pages, notebooks=order, api=api, missing=miss, seconds=time.time() - t0)

def _nb_toc_tokens(fpath, toc_depth):
    "mkdocs-jupyter's TOC, keeping `code` in headings (it drops it, so `## The `xp` module` got a wrong link)."
    from mkdocs_jupyter.plugin import _get_markdown_toc
    nb = json.loads(Path(fpath).read_text(encoding='utf-8'))
    body = '\n\n'.join(''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'markdown')
    body = re.sub(r'^(```|~~~).*?^\1', '', body, flags=re.S | re.M)
    body = re.sub(r'`([^`\n]*)`', lambda m: re.sub(r'([\\*_{}\[\]<>#!])', r'\\\1', m.group(1)), body)  # code as literal text
    toc = _get_markdown_toc(body, toc_depth)
    return toc, next((t['name'] for t in toc if t['level'] == 1), None)

def run_mkdocs(conf_path, quiet=False):
    "`mkdocs build` with the TOC fix above."
    import mkdocs.__main__, mkdocs_jupyter.plugin
    mkdocs_jupyter.plugin._get_nb_toc_tokens = _nb_toc_tokens
    sys.argv = ['mkdocs', 'build', '--clean', '-f', str(conf_path)] + (['-q'] if quiet else [])
    mkdocs.__main__.cli()

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--site', default=str(ROOT/'_site'))
    ap.add_argument('--quiet', action='store_true')
    ap.add_argument('--mkdocs', metavar='CONFIG', help='(internal) run mkdocs build on CONFIG')
    a = ap.parse_args()
    if a.mkdocs: run_mkdocs(a.mkdocs, a.quiet)
    else: build(Path(a.site), a.quiet)
