"""The HTTP side of conflict-kg: a FastAPI app over the store built by :mod:`kg`.

:func:`api.app.create_app` builds the app; routers live in :mod:`api.sparql` (the SPARQL
1.1 endpoint) and :mod:`api.pages` (HTML pages). ``api`` imports ``kg``, never the reverse.
"""
