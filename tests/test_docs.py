"""docs/loaders.md lists every public loader with its current signature."""

from __future__ import annotations

import inspect
from pathlib import Path

import loaders


def test_loader_docs_match_the_code() -> None:
    text = (Path(__file__).parent.parent / "docs" / "loaders.md").read_text()
    for name in loaders.__all__:
        obj = getattr(loaders, name)
        if inspect.isfunction(obj):
            signature = str(inspect.signature(obj)).replace("|", "\\|")
            assert f"| `{name}` | `{signature}` |" in text, f"{name} is missing or stale"
