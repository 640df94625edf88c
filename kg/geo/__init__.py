"""World knowledge, offline: the GeoNames/ISO 3166 gazetteer (:mod:`kg.geo.index`) and the world's
states, capitals and international bodies as curated entities (:mod:`kg.geo.world`).

Nothing here imports spaCy or pyoxigraph; :mod:`kg.nlp.geoparse` resolves place mentions with it.
"""
