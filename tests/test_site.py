"""The lessons' web pages in a real browser: tools/build_site.py builds the site from the committed notebooks, a
local server serves it on 127.0.0.1, and Debian's chromium (driven by playwright, every request that is not to that
server aborted) opens the index and visits every page the navigation links to. On each page: no failed request, no
broken link or image, the math typeset (no raw `$$` or `\\frac` left in the text); the API reference lists `make_vae`;
exercises' solutions are folded until clicked; and on the widgets page moving a static slider with the keyboard changes the picture. Screenshots go to build/site_browser/.

Skipped without chromium or playwright (see test_browser.py), unless VAE_LESSONS_REQUIRE_BROWSER=1 (CI), where it fails.
VAE_LESSONS_SITE=build/site tests an already built site instead of building one.
"""
import functools, http.server, os, re, sys, threading
from pathlib import Path
from urllib.parse import urljoin, urlparse
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_browser import CHROMIUM, CHROMIUM_ARGS, require_browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT/'build'/'site_browser'
sys.path.insert(0, str(ROOT/'tools'))
import build_site  # noqa: E402


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "(base URL, folder) of the built site, served on 127.0.0.1 for the test's length."
    require_browser('site test')
    if os.environ.get('VAE_LESSONS_SITE'): folder = Path(os.environ['VAE_LESSONS_SITE']).resolve()
    else:
        folder = build_site.build(tmp_path_factory.mktemp('site')/'site', tmp_path_factory.mktemp('stage'))
    quiet = type('Quiet', (http.server.SimpleHTTPRequestHandler,), {'log_message': lambda *a: None})
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{server.server_port}/', folder
    server.shutdown()


TEXT_OUTSIDE_CODE = """() => { const body = document.querySelector('article') || document.body; const copy = body.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(e => e.remove()); return copy.textContent; }"""
IDS = "() => [...document.querySelectorAll('[id]')].map(e => e.id)"
MOVE_EACH_EXPLORER = """() => [...document.querySelectorAll('.vae-static-explorer')].map(root => {
  const input = root.querySelector('input[type=range]'), overlay = root.querySelector('img.vae-overlay');
  const before = [root.querySelector('.vae-value').textContent, overlay.src];
  input.value = String((Number(input.value) + 1) % (Number(input.max) + 1)); input.dispatchEvent(new Event('input'));
  return {changed: root.querySelector('.vae-value').textContent !== before[0] && [...root.querySelectorAll('img.vae-overlay')].some(o => o.src !== before[1]) || Number(input.max) === 0,
          labels: [...root.querySelectorAll('.vae-value')].map(v => v.textContent), readout: root.querySelector('.vae-readout').textContent}; })"""
BROKEN_IMAGES = """() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 80))"""


def test_site_in_a_real_browser(site):
    from playwright.sync_api import sync_playwright
    base, folder = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures, outside, visited, links, typeset, ids, explorers = [], [], [], set(), {}, {}, 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={'width': 1280, 'height': 900})
        def route(r):
            if r.request.url.startswith(base) or r.request.url.startswith('data:'): r.continue_()
            else: outside.append(r.request.url); r.abort()
        page.route('**/*', route)
        page.on('requestfailed', lambda r: failures.append(f'{r.url} ({r.failure})'))
        page.on('response', lambda r: failures.append(f'{r.url} (HTTP {r.status})') if r.status >= 400 else None)
        page.on('pageerror', lambda e: failures.append(f'script error: {e}'))
        page.goto(base + 'index.html')
        nav = page.eval_on_selector_all('nav.bd-docs-nav a.reference.internal', 'as => as.map(a => a.href)')
        pages = ['index.html'] + list(dict.fromkeys(urlparse(u).path.lstrip('/') for u in nav))
        expected = [f'{name}.html' for names in build_site.reading_order().values() for name in names]
        assert pages[1:] == expected, f"the navigation should list the index's reading order and the API page: {pages[1:]} != {expected}"
        for name in pages:
            page.goto(base + name, wait_until='load')
            page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
            page.evaluate("() => window.MathJax && MathJax.startup.promise")
            text = page.evaluate(TEXT_OUTSIDE_CODE)
            for raw in ('$$', '\\frac', '\\mathcal', '\\begin{'):
                assert raw not in text, f"{name}: raw math {raw!r} left in the text"
            inline = re.findall(r'\$[^$\s][^$]{0,80}\$', text)
            assert not inline, f"{name}: inline math left untypeset: {inline[:3]}"
            ids[name] = set(page.evaluate(IDS))
            for moved in page.evaluate(MOVE_EACH_EXPLORER):   # every kernel-free explorer on the page answers its slider
                explorers += 1
                assert moved['changed'], f"{name}: a static slider did not redraw: {moved}"
                if moved['readout'].startswith('z = ('):   # a latent explorer: the labels are the point drawn
                    drawn = [float(v) for v in re.findall(r'-?\d+\.\d+', moved['readout'])]
                    assert all(abs(float(l) - d) < 0.006 for l, d in zip(moved['labels'], drawn)), f"{name}: labels {moved['labels']} against {moved['readout']}"
            typeset[name] = page.locator('mjx-container').count()
            assert page.evaluate(BROKEN_IMAGES) == [], f"{name}: broken images"
            for href in page.eval_on_selector_all('a[href]', 'as => as.map(a => a.href)'):
                if href.startswith(base): links.add(href)
                elif not href.startswith(('https://', 'http://', 'mailto:')): failures.append(f'{name}: odd link {href}')
            visited.append(name)
            page.screenshot(path=str(SHOTS/(name.replace('/', '_').replace('.html', '') + '.png')))
        assert typeset['under_the_hood/02_elbo.html'] > 20 and typeset['under_the_hood/01_likelihoods.html'] > 20, f"MathJax typeset too little: {typeset}"
        # the API reference lists every exported name, make_vae among them
        page.goto(base + 'api.html')
        assert page.locator('[id="vae_lessons.model.make_vae"]').count() == 1
        assert page.locator('[id="vae_lessons.widgets.static_explorer"]').count() == 1
        # an exercise's solution is folded until the learner opens it
        page.goto(base + 'lessons/13_s_curve.html')
        folded = page.locator('.tag_hide-input details:not([open])')
        assert folded.count() >= 3, f"13_s_curve should fold its three solutions, found {folded.count()}"
        solution = page.locator('.tag_hide-input pre').first
        assert not solution.is_visible()
        folded.first.locator('summary').click()
        assert solution.is_visible() and 'a solution' in solution.text_content()
        # a static slider on the widgets page: the keyboard moves it, and the picture changes
        page.goto(base + 'under_the_hood/11_widgets.html')
        explorer = page.locator('.vae-static-explorer').first
        explorer.scroll_into_view_if_needed()
        slider, overlay = explorer.locator('input[type=range]').first, explorer.locator('img.vae-overlay').first
        before_src, before_value = overlay.get_attribute('src'), explorer.locator('.vae-value').first.text_content()
        explorer.screenshot(path=str(SHOTS/'static_slider_before.png'))
        slider.focus()
        for _ in range(3): page.keyboard.press('ArrowRight')
        after_value = explorer.locator('.vae-value').first.text_content()
        assert after_value != before_value and overlay.get_attribute('src') != before_src, "moving the static slider should redraw"
        explorer.screenshot(path=str(SHOTS/'static_slider_after.png'))
        browser.close()
    assert explorers >= 6, f"the pages should carry the explorers of lessons 10, 11, 13 and of 11_widgets, found {explorers}"
    for href in links:   # every link to the site itself points at a file that exists, and at an anchor on it
        url = urlparse(href); path = url.path.lstrip('/') or 'index.html'
        if not (folder/path).is_file(): failures.append(f'broken link {href}')
        elif url.fragment and path in ids and url.fragment not in ids[path]: failures.append(f'broken anchor {href}')
    assert not outside, f"requests left the site: {sorted(set(outside))[:5]}"
    assert not failures, '\n'.join(sorted(set(failures))[:20])
    size = sum(f.stat().st_size for f in folder.rglob('*') if f.is_file())
    largest = max((f for f in folder.rglob('*.html')), key=lambda f: f.stat().st_size)
    print(f"visited {len(visited)} pages; site {size/1e6:.1f} MB; largest page {largest.name} {largest.stat().st_size/1e6:.2f} MB")
    assert size < 20e6 and largest.stat().st_size < 2e6
