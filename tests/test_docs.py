"""docs/loaders.md is generated from the code and must match it."""

from __future__ import annotations

from pathlib import Path

from loaders._docs import render


def test_loader_docs_match_the_code() -> None:
    text = (Path(__file__).parent.parent / "docs" / "loaders.md").read_text()
    assert text == render(), "docs/loaders.md is stale: python -m loaders._docs > docs/loaders.md"
