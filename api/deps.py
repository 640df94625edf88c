"""FastAPI dependencies: the settings and the store opened by the app's lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kg.settings import Settings, get_settings
from kg.store import BaseStore

__all__ = ["SettingsDep", "StoreDep", "get_store"]


def get_store(request: Request) -> BaseStore:
    store: BaseStore = request.app.state.store
    return store


def _settings(request: Request) -> Settings:
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    return settings


StoreDep = Annotated[BaseStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
