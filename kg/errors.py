"""Exceptions that callers (command line, HTTP API) turn into one-line messages.

Kept apart from the modules that raise them so that catching one does not import spaCy.
"""

from __future__ import annotations

from kg.reader import InputError
from kg.remote import RemoteStoreError
from kg.results import QueryTimeoutError
from kg.store import StoreLockedError

__all__ = ["InputError", "ModelNotFoundError", "QueryTimeoutError", "RemoteStoreError", "StoreLockedError"]


class ModelNotFoundError(OSError):
    """The configured spaCy model is not installed."""
