"""cppa-identity loaders: the write API collectors import."""

from __future__ import annotations

__version__ = "0.1.0"
