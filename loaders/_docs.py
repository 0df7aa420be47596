"""Render docs/loaders.md from the loaders' signatures and docstrings.

python -m loaders._docs > docs/loaders.md
"""

from __future__ import annotations

import inspect

EXAMPLE = """## Collector example

```python
import loaders

account, created = loaders.get_or_create_github_account(583231, "octocat", source="github")
loaders.add_email(account, "octocat@github.com", is_primary=True)
ids = loaders.load_slack_users(api_users)  # bulk: one COPY, ids in input order
```
"""


def render() -> str:
    import loaders

    lines = [
        "# Loaders",
        "",
        "Generated from the code by `python -m loaders._docs > docs/loaders.md`;",
        "`tests/test_docs.py` fails when this file and the code disagree.",
        "",
        "| function | signature | behaviour |",
        "| --- | --- | --- |",
    ]
    for name in sorted(loaders.__all__):
        obj = getattr(loaders, name)
        if not inspect.isfunction(obj):
            continue
        signature = str(inspect.signature(obj, eval_str=True)).replace("|", "\\|")
        doc = " ".join((inspect.getdoc(obj) or "").split()).replace("|", "\\|")
        lines.append(f"| `{name}` | `{signature}` | {doc} |")
    return "\n".join(lines) + "\n\n" + EXAMPLE


if __name__ == "__main__":
    print(render(), end="")
