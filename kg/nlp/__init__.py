"""The NLP layer: the only part of conflict-kg that imports spaCy.

:mod:`kg.nlp.pipeline` loads the configured spaCy model and adds our components;
:mod:`kg.nlp.gazetteer` is the curated-entity ruler; :mod:`kg.nlp.linker` turns entity
spans into linked mentions; :mod:`kg.nlp.quotes` and :mod:`kg.nlp.statements` find what is
said and by whom, :mod:`kg.nlp.events` what happened, :mod:`kg.nlp.casualties` the casualty
claims, :mod:`kg.nlp.dates` resolves relative dates, :mod:`kg.nlp.discourse` holds what
these layers share about a parsed chunk; :mod:`kg.nlp.extract` runs it all on documents.
"""
