"""Wires every app's API router (`neuguong.<app>.api.router`) into the one /api/v1/ root."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from neuguong.portal.api import api

for app_config in apps.get_app_configs():
    if not app_config.name.startswith("neuguong.") or app_config.name in ("neuguong.core", "neuguong.portal"):
        continue
    module_name = f"{app_config.name}.api"
    if find_spec(module_name) is not None:
        module = import_module(module_name)
        if hasattr(module, "router"):
            api.add_router("/", module.router)
