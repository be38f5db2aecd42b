"""Settings for benchmarks/api.py's server: Tumen's, plus one bare view (the ceiling)."""

from tumen.settings import *  # noqa: F403

ROOT_URLCONF = "_api_urls"
