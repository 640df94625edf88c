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


async def _store(request: Request) -> BaseStore:
    # async: FastAPI runs a plain ``def`` dependency in a worker thread, two thread hops a request
    return get_store(request)


async def _settings(request: Request) -> Settings:
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    return settings


StoreDep = Annotated[BaseStore, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
