"""The JSON API at /api/v1: articles, claims and the workflow's moves for scripts and other
systems, signed in by personal API tokens. Routes live in one module per noun; common.py holds
what they share, spec.py the OpenAPI document that describes them."""

from . import articles, claims, spec  # noqa: F401  (registers the routes)
from .common import bp

__all__ = ["bp"]
