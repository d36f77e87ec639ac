from typing import cast

from .base import *  # noqa: F403
from .base import TEMPLATES as _BASE_TEMPLATES
from .env import env_bool

# `make run` shows what people see: the site's Vietnamese 404/403/500 pages, not Django's English technical
# pages. A developer who wants tracebacks in the browser runs `DEBUG=1 make run`.
DEBUG = env_bool("DEBUG", False)
# With DEBUG off the dev server serves no static files: WhiteNoise serves them straight from the apps and
# packages (no collectstatic needed), re-reading them when they change.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Templates are read afresh on each request (with DEBUG off Django would cache them until a restart).
_BASE_OPTIONS = cast(dict, _BASE_TEMPLATES[0]["OPTIONS"])
TEMPLATES = [
    {
        **_BASE_TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **_BASE_OPTIONS,
            "loaders": [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]
