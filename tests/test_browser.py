"""The widgets in a real browser: JupyterLab serves a copy of nbs/under_the_hood/11_widgets.ipynb, Debian's chromium (driven by
playwright) runs all its cells through the Run menu, moves the first slider with the keyboard, and checks that the
slider's readout, the kernel's readout and the drawn digit change. Screenshots go to build/browser/.

Needs /usr/bin/chromium (`apt-get install chromium`; VAE_LESSONS_CHROMIUM names another Chromium-based browser) and
the pip package playwright (in requirements-dev.txt).
Without them the test is skipped, unless VAE_LESSONS_REQUIRE_BROWSER=1 (set by .ci/run), where it fails.
"""
import json, os, re, secrets, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get('VAE_LESSONS_CHROMIUM') or '/usr/bin/chromium')   # Debian's chromium by default
NOTEBOOK = ROOT/'nbs'/'under_the_hood'/'11_widgets.ipynb'
BUILD = ROOT/'build'/'browser'
# the flags this machine's chromium needs as root, without a display, with no network beyond localhost
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']


def _missing():
    missing = [] if CHROMIUM.exists() else [f"{CHROMIUM} (apt-get install chromium)"]
    try: import playwright.sync_api  # noqa: F401
    except ImportError: missing.append('the pip package playwright')
    return missing


def require_browser(what:str):
    "Skip the test when chromium or playwright is missing, saying which; fail instead where VAE_LESSONS_REQUIRE_BROWSER=1 (CI)."
    missing = _missing()
    if missing:
        message = f'{what} needs ' + ' and '.join(missing)
        if os.environ.get('VAE_LESSONS_REQUIRE_BROWSER') == '1': pytest.fail(message)
        pytest.skip(message)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    "A JupyterLab server on 127.0.0.1 with a random token and private config, serving a copy of the widgets notebook."
    require_browser('browser test')
    work = tmp_path/'work'; work.mkdir()
    # a copy (the server may autosave: never let it touch the committed notebook), without nbdev's build cells,
    # which need the repository's settings.ini
    notebook = json.loads(NOTEBOOK.read_text())
    notebook['cells'] = [c for c in notebook['cells'] if 'nbdev_export()' not in ''.join(c['source'])]
    (work/NOTEBOOK.name).write_text(json.dumps(notebook))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, 'JUPYTER_CONFIG_DIR': str(tmp_path/'config'), 'JUPYTER_RUNTIME_DIR': str(tmp_path/'runtime'),
           'JUPYTERLAB_SETTINGS_DIR': str(tmp_path/'settings'), 'JUPYTERLAB_WORKSPACES_DIR': str(tmp_path/'workspaces'),
           'IPYTHONDIR': str(tmp_path/'ipython'), 'TF_CPP_MIN_LOG_LEVEL': '2', 'TF_ENABLE_ONEDNN_OPTS': '0'}
    if env.get('VAE_LESSONS_MNIST'): env['VAE_LESSONS_MNIST'] = str(Path(env['VAE_LESSONS_MNIST']).resolve())
    notification = tmp_path/'settings'/'@jupyterlab'/'apputils-extension'/'notification.jupyterlab-settings'
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({'fetchNews': 'false', 'checkForUpdates': False}))   # no news pop-up over the widgets
    log = open(tmp_path/'lab.log', 'w')
    server = subprocess.Popen([sys.executable, '-m', 'jupyterlab', '--no-browser', '--allow-root', '--ip=127.0.0.1', f'--port={port}',
                               f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={work}', '--LabApp.news_url=',
                               '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=2); break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; its log:\n{(tmp_path/'lab.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield url, token, sum(c['cell_type'] == 'code' for c in notebook['cells'])
    finally:
        server.send_signal(signal.SIGTERM)   # the server shuts its kernels down on SIGTERM
        try: server.wait(timeout=20)
        except subprocess.TimeoutExpired: server.kill(); server.wait()
        try: os.killpg(server.pid, signal.SIGKILL)   # any kernel left behind in the server's process group
        except ProcessLookupError: pass
        log.close()


def test_widgets_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright, expect, TimeoutError as PlaywrightTimeout
    url, token, n_code_cells = lab
    BUILD.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={'width': 1400, 'height': 1000})
            page.goto(f'{url}/lab/tree/{NOTEBOOK.name}?token={token}')
            page.locator('.jp-Notebook').wait_for(timeout=60_000)
            select_kernel = page.locator('.jp-Dialog-button', has_text='Select')   # JupyterLab may ask which kernel to start
            try: select_kernel.click(timeout=10_000)
            except PlaywrightTimeout: pass
            page.locator('.lm-MenuBar-itemLabel', has_text='Run').first.click()
            page.locator('.lm-Menu-itemLabel', has_text='Run All Cells').first.click()

            # all cells ran, with no error; then the learner's turn
            prompts = page.locator('.jp-Notebook .jp-InputArea-prompt')
            expect(prompts.filter(has_text=re.compile(r'\[\d+\]'))).to_have_count(n_code_cells, timeout=150_000)
            errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', has_text=re.compile('Error|Traceback'))
            assert errors.count() == 0, f"a cell failed: {errors.first.inner_text()[:2000]}"
            assert page.locator('text=Error displaying widget').count() == 0
            assert page.locator('img.widget-image').count() >= 5, 'the explorers did not all render'

            # the first widget is the MNIST latent explorer: sliders z0, z1, the kernel's readout, the digit, the latent view
            explorer = page.locator('.jp-OutputArea-output .widget-hbox').filter(has=page.locator('.widget-slider')).first
            handle = explorer.locator('.widget-slider .noUi-handle').first
            slider_readout = explorer.locator('.widget-slider .widget-readout').first
            kernel_readout = explorer.locator('.widget-html-content', has_text='z = (')
            digit = explorer.locator('img.widget-image').first
            handle.scroll_into_view_if_needed()
            expect(digit).to_be_visible()
            value_of = lambda: float(slider_readout.text_content())
            before_value, before_readout, before_src = value_of(), slider_readout.text_content(), digit.get_attribute('src')
            before_pixels = digit.screenshot()
            page.screenshot(path=str(BUILD/'before.png'))

            handle.focus()
            for _ in range(20): page.keyboard.press('ArrowLeft')
            expect(slider_readout).not_to_have_text(before_readout, timeout=10_000)
            after_value = value_of()
            assert abs(float(handle.get_attribute('aria-valuenow')) - after_value) < 0.06, 'the readout and the handle disagree'
            assert after_value < before_value - 0.5, f"20 steps left of {before_value} should move z0 by about 0.93, the readout says {after_value}"
            expect(kernel_readout).to_contain_text(f'z = ({after_value:.2f},', timeout=30_000)   # the kernel got the move
            expect(digit).not_to_have_attribute('src', before_src, timeout=30_000)                 # and sent a new picture
            after_pixels = digit.screenshot()
            assert after_pixels != before_pixels, 'the drawn digit did not change'
            page.screenshot(path=str(BUILD/'after.png'))
            digit.screenshot(path=str(BUILD/'digit_after.png'))
            page.screenshot(path=str(BUILD/'full.png'), full_page=True)
        except Exception:
            page.screenshot(path=str(BUILD/'failure.png'))   # what the browser showed when it failed
            raise
        finally:
            browser.close()
