"""Sphinx configuration of the lessons' web pages (`make docs`). The pages are built by tools/build_site.py
from the committed, executed notebooks: nothing is executed and nothing is fetched from the network."""
import importlib.metadata, os, shutil, sys, warnings
from configparser import ConfigParser
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')
warnings.filterwarnings('ignore', category=DeprecationWarning)
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings = ConfigParser(delimiters=['=']); settings.read(Path(__file__).resolve().parent.parent/'settings.ini', encoding='utf-8')
cfg = settings['DEFAULT']
project, author, copyright, release = cfg['title'], cfg['author'], cfg['copyright'], cfg['version']

extensions = ['myst_nb', 'sphinx.ext.autodoc', 'docments_params']
root_doc = 'index'
exclude_patterns = ['_build', '**.ipynb_checkpoints']
nb_execution_mode = 'off'                       # the notebooks are committed executed
nb_ipywidgets_js = {}                           # no widget state is committed; myst-nb would load its widget bundle from a CDN
nb_mime_priority_overrides = [('html', 'application/vnd.jupyter.widget-view+json', None)]   # show each explorer's kernel-free page version
myst_enable_extensions = ['dollarmath', 'amsmath']
myst_heading_anchors = 3
mathjax_path = 'mathjax/tex-svg-full.js'        # one file (no fonts to fetch), copied from the sphinx-mathjax-offline wheel: no CDN at view time

autodoc_member_order = 'bysource'
autodoc_default_options = {'members': True, 'undoc-members': True, 'show-inheritance': True}
autodoc_typehints = 'signature'
autodoc_inherit_docstrings = False    # Keras's own docstrings are not this library's to render

html_theme = 'sphinx_book_theme'
html_title = 'vae_lessons'
html_theme_options = {'show_toc_level': 2, 'use_download_button': False, 'use_fullscreen_button': False,
                      'search_bar_text': 'Search the lessons…'}
html_show_sourcelink = False
html_copy_source = False                # the notebooks are in the repository; a copy per page would double the site


def copy_mathjax(app, error):
    "Only MathJax's one self-contained file: the wheel's own extension would copy all 18 MB of MathJax."
    if error is not None or app.builder.format != 'html': return
    found = [f.locate() for f in importlib.metadata.files('sphinx-mathjax-offline') if str(f).endswith('mathjax/tex-svg-full.js')]
    if not found: raise RuntimeError("MathJax not found: install sphinx-mathjax-offline (requirements-dev.txt)")
    target = Path(app.outdir)/'_static'/'mathjax'; target.mkdir(parents=True, exist_ok=True)
    shutil.copy(found[0], target/'tex-svg-full.js')

def setup(app):
    app.connect('build-finished', copy_mathjax)
