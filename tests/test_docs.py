"""The docs site: built from the notebooks (tools/build_docs.py), then checked in headless Chromium.

`test_site_in_browser` builds `_site/`, serves it on 127.0.0.1 and opens every page: no console
errors, no request leaving the machine, no broken internal link, fragment or image, the search finds
an API name, no page wider than a phone screen; screenshots go to `_site/_screenshots/`.
It is skipped (with the reason) where Debian's `chromium` is not installed; CI installs it.
"""
import functools, http.server, json, shutil, sys, threading, time
from pathlib import Path
from urllib.parse import urlsplit, unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'tools'))
import build_docs  # noqa: E402

CHROMIUM = '/usr/bin/chromium'
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync']
DESKTOP, PHONE = dict(width=1280, height=900), dict(width=390, height=844)

# ------------------------------------------------------------------ processing (no browser)
def _nb(*cells):
    def cell(src, outputs=None, md=False):
        if md: return {'cell_type': 'markdown', 'metadata': {}, 'source': src}
        return {'cell_type': 'code', 'metadata': {}, 'source': src, 'outputs': outputs or [], 'execution_count': 1}
    return {'cells': [cell(*c) if isinstance(c, tuple) else cell(c) for c in cells], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}

def test_process_directives_and_api_entries():
    cfg = build_docs.settings()
    out = [{'output_type': 'stream', 'name': 'stdout', 'text': '\x1b[31mcpu\x1b[0m\n'}]
    nb = _nb(('# Backend\n\n> devices', None, True), '#| default_exp backend', '#| hide\nimport secret_setup',
             '#| export\ndef as_device(d=None): ...\n_private = 1', ('print(1)  #| hide_line\nprint(2)', out),
             ('#| echo: false\nprint(3)', out), ('#| output: false\nprint(4)', out), '#| include: false\nx = 1',
             ('See `as_device` and `00_backend`.', None, True))
    api = {}
    cells = build_docs.process(nb, '00_backend', cfg['lib_name'], cfg, api)
    srcs = [c['source'] for c in cells]
    assert not any('secret_setup' in s or 'default_exp' in s or 'x = 1' in s for s in srcs)   # hidden cells gone
    assert 'def as_device(d=None): ...\n_private = 1' in srcs                                 # export code shown,
    assert not any(s.startswith('#|') for s in srcs)                                          # directives stripped
    entry = srcs[srcs.index('def as_device(d=None): ...\n_private = 1') + 1]
    assert entry.startswith('<div class="api-entry" id="as_device"') and 'as_device(d=None)' in entry
    assert '\n\n' not in entry                                      # one HTML block for the Markdown renderer
    assert 'Normalise' in entry and '/tinygrad_edu/backend.py#L' in entry     # docstring, source link
    assert api == {'00_backend': [('as_device', 'backend')]}                  # `_private` is not exported
    assert 'print(2)' in srcs and 'print(1)' not in '\n'.join(srcs)             # hide_line
    by_src = {c['source']: c for c in cells}
    assert by_src['print(2)']['outputs'][0]['text'] == 'cpu\n'                 # ANSI codes stripped
    assert by_src['print(3)']['metadata']['tags'] == ['remove_input'] and by_src['print(4)']['outputs'] == []
    md = build_docs.linkify(srcs[-1], {'as_device': ('00_backend', 'as_device'), '00_backend': ('00_backend', None)}, 'x')
    assert md == 'See [`as_device`](00_backend.html#as_device) and [`00_backend`](00_backend.html).'

def test_notebooks_in_course_order(tmp_path):
    for n in ['10_train', '02_broadcasting', 'index', '04b_movement', '04_ops', '_scratch']:
        (tmp_path/f'{n}.ipynb').write_text('{}')
    assert [p.stem for p in build_docs.notebooks(tmp_path)] == ['02_broadcasting', '04_ops', '04b_movement', '10_train', 'index']

# ------------------------------------------------------------------ the site in a browser
@pytest.fixture(scope='module')
def site():
    "Build `_site/` and serve it on 127.0.0.1 (a free port) for the duration of the test."
    if not Path(CHROMIUM).exists(): pytest.skip(f'{CHROMIUM} not installed (apt-get install chromium); CI installs it')
    pytest.importorskip('playwright.sync_api', reason='playwright (pip) not installed')
    info = build_docs.build(ROOT/'_site', quiet=True)
    prefix = build_docs.settings()['doc_baseurl'].strip('/')    # served where it will be deployed: /tinygrad_edu/
    handler = functools.partial(_QuietHandler, directory=str(ROOT/'_site'), prefix=f'/{prefix}/' if prefix else '/')
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f'http://127.0.0.1:{server.server_address[1]}/' + (f'{prefix}/' if prefix else '')
    try: yield dict(info, url=url, dir=ROOT/'_site')
    finally:
        server.shutdown(); server.server_close(); thread.join(5)

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    "Serves the site under `prefix`; anything else is a 404."
    def __init__(self, *a, prefix='/', **kw):
        self.prefix = prefix
        super().__init__(*a, **kw)
    def translate_path(self, path):
        if not path.startswith(self.prefix): return str(ROOT/'_site'/'does-not-exist')
        return super().translate_path('/' + path[len(self.prefix):])
    def log_message(self, *a): pass

_MATHJAX_DONE = "() => new Promise(r => window.MathJax && MathJax.Hub ? MathJax.Hub.Queue(() => r(1)) : r(0))"
_COLLECT = """() => ({
  ids: [...document.querySelectorAll('[id]')].map(e => e.id).concat([...document.querySelectorAll('a[name]')].map(e => e.name)),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  imgs: [...document.querySelectorAll('img')].map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
  nav: [...document.querySelectorAll('.md-nav--primary .md-nav__link')].map(a => a.textContent.trim()),
  overflow: document.documentElement.scrollWidth - window.innerWidth,
})"""

def test_site_in_browser(site):
    from playwright.sync_api import sync_playwright
    t0 = time.time()
    base, sdir = site['url'], site['dir']
    pages = sorted(p.relative_to(sdir).as_posix() for p in sdir.rglob('*.html') if '_screenshots' not in p.parts)
    expected = ['index.html', 'api.html', '404.html'] + [f'{s}.html' for s in site['notebooks']]
    assert sorted(expected) == pages, 'one page per notebook, plus home, API reference and 404'
    assert not site['missing'], f"exported names without an API entry: {site['missing']}"
    shots = sdir/'_screenshots'
    shutil.rmtree(shots, ignore_errors=True); shots.mkdir()
    problems, seen = [], {}

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            def new_page(viewport, name):
                page = browser.new_context(viewport=viewport).new_page()
                page.set_default_timeout(20_000)
                page.on('console', lambda m: m.type == 'error' and problems.append(f'{name()}: console error: {m.text}'))
                page.on('pageerror', lambda e: problems.append(f'{name()}: page error: {e}'))
                def route(r):
                    if r.request.url.startswith(base) or r.request.url.startswith('data:'): return r.continue_()
                    problems.append(f'{name()}: request leaves the machine: {r.request.url}'); r.abort()
                page.route('**/*', route)
                page.on('response', lambda r: r.status >= 400 and problems.append(f'{name()}: HTTP {r.status} {r.url}'))
                return page
            current = {'p': ''}
            desk = new_page(DESKTOP, lambda: current['p'])
            for rel in pages:
                current['p'] = rel
                desk.set_viewport_size(DESKTOP)
                desk.goto(base + rel, wait_until='load')
                desk.evaluate(_MATHJAX_DONE)
                seen[rel] = info = desk.evaluate(_COLLECT)
                for img in info['imgs']:
                    if not img['ok']: problems.append(f'{rel}: image does not load: {img["src"][:80]}')
                if rel == 'index.html':
                    nav = info['nav']
                    idx = [next((i for i, t in enumerate(nav) if t.startswith(s.split('_')[0] + ' ·')), None) for s in site['notebooks']]
                    assert None not in idx and idx == sorted(idx), f'sidebar not in course order: {nav}'
                desk.set_viewport_size(PHONE)      # the same page at phone width: nothing may stick out
                if (ov := desk.evaluate(_COLLECT)['overflow']) > 2: problems.append(f'{rel}: {ov}px wider than a phone screen')
            # screenshots: home and the first notebook, desktop and phone; the API reference
            first_nb = site['notebooks'][0] + '.html'
            for size, kind in ((PHONE, 'phone'), (DESKTOP, 'desktop')):
                desk.set_viewport_size(size)
                for rel, name in (('index.html', 'home'), (first_nb, 'notebook')):
                    current['p'] = rel
                    desk.goto(base + rel, wait_until='load'); desk.wait_for_load_state('networkidle')
                    desk.screenshot(path=str(shots/f'{name}-{kind}.png'))
            desk.goto(base + 'api.html', wait_until='load'); desk.screenshot(path=str(shots/'api-desktop.png'))
            # search finds an API name of 00_backend
            current['p'] = 'search'
            desk.goto(base + 'index.html', wait_until='load')
            box = desk.locator('input.md-search__input')
            box.click()
            box.press_sequentially('as_device', delay=20)   # Material searches on key events
            hit = desk.locator('.md-search-result__item').first
            hit.wait_for(state='visible')
            results = desk.locator('.md-search-result').inner_text()
            assert 'as_device' in results, f'search for as_device found: {results[:300]}'
            desk.screenshot(path=str(shots/'search-desktop.png'))
        finally:
            browser.close()

    # every internal link and image points at a file of the site; every #fragment exists on its page
    for rel, info in seen.items():
        for url in info['links'] + [i['src'] for i in info['imgs']]:
            if not url.startswith(base): continue
            parts = urlsplit(url)
            target = unquote(parts.path[len(urlsplit(base).path):]) or 'index.html'
            if target.endswith('/'): target += 'index.html'
            if not (sdir/target).is_file(): problems.append(f'{rel}: broken link {url}'); continue
            if parts.fragment and target.endswith('.html') and target in seen and unquote(parts.fragment) not in seen[target]['ids']:
                problems.append(f'{rel}: link to a missing anchor {url}')
    api_ids = set(seen['api.html']['ids'])
    names = [n for entries in site['api'].values() for n, _ in entries]
    assert names and not [n for n in names if n not in api_ids], 'API reference lacks entries'
    for nb, entries in site['api'].items():
        lacking = [n for n, _ in entries if n not in seen[f'{nb}.html']['ids']]
        assert not lacking, f'{nb}.html lacks the API entries {lacking}'
    assert not problems, '\n'.join(dict.fromkeys(problems))
    print(f"docs site: {len(pages)} pages, {len(names)} API entries, built in {site['seconds']:.1f} s, "
          f'browser checks {time.time() - t0:.1f} s')
