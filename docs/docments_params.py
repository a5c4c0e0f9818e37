"""A Sphinx extension: the library documents its arguments nbdev-style, as comments beside each parameter
(fastcore's docments); autodoc reads only docstrings, so this adds those comments as `:param:` fields."""
import re
from fastcore.docments import docments

def rst(text:str)->str:
    "nbdev docstrings are Markdown: `code` in single backticks, and bare * | _ that reStructuredText would read as markup."
    parts = re.split(r'(`[^`]+`)', text)
    return ''.join(f"``{p[1:-1]}``" if p.startswith('`') and p.endswith('`') and len(p) > 1
                   else re.sub(r'([*|])', r'\\\1', re.sub(r'(\w)_(?!\w)', r'\1\\_', p)) for p in parts)

def add_parameter_comments(app, what, name, obj, options, lines):
    lines[:] = [rst(line) for line in lines]
    if what not in ('function', 'method', 'class') or not callable(obj): return
    try: comments = docments(obj, full=True)
    except Exception: return      # builtins and C extensions have no source to read
    fields = [f":param {arg}: {rst(info['docment'])}" for arg, info in comments.items()
              if arg != 'return' and info.get('docment') and not any(l.startswith(f':param {arg}:') for l in lines)]
    returns = comments.get('return', {}).get('docment') if 'return' in comments else None
    if returns and what != 'class': fields.append(f":returns: {rst(returns)}")
    if fields: lines.extend([''] + fields)

def setup(app):
    app.connect('autodoc-process-docstring', add_parameter_comments)
    return {'parallel_read_safe': True}
