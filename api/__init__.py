"""The HTTP side of conflict-kg: a FastAPI app over the store built by :mod:`kg`.

:func:`api.app.create_app` builds the app; routers live in :mod:`api.sparql` (the SPARQL
1.1 endpoint; ad-hoc queries in the worker processes of :mod:`api.querypool`),
:mod:`api.resources` (Linked Data under ``/id/``, ``/context.jsonld``, search, the ontology),
:mod:`api.pages` and :mod:`api.views` (HTML pages), :mod:`api.queries` (canned queries),
:mod:`api.dumps` (dumps, exports, VoID) and :mod:`api.documents` (writes, with a token).
``api`` imports ``kg``, never the reverse.
"""
