"""The NLP layer: the only part of conflict-kg that imports spaCy.

:mod:`kg.nlp.pipeline` loads the configured spaCy model and adds our components;
:mod:`kg.nlp.gazetteer` is the curated-entity ruler; :mod:`kg.nlp.linker` turns entity
spans into linked mentions; :mod:`kg.nlp.extract` runs it all on a document.
"""
