"""FastAPI dependencies: the settings and the store opened by the app's lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kg.settings import Settings, get_settings
from kg.store import KGStore

__all__ = ["SettingsDep", "StoreDep", "get_store"]


def get_store(request: Request) -> KGStore:
    store: KGStore = request.app.state.store
    return store


def _settings(request: Request) -> Settings:
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    return settings


StoreDep = Annotated[KGStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
