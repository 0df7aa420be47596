"""An identity's evidence as a picture: its profiles on a circle, one line per
pair of profiles that evidence joins (solid: verified, dashed: claimed only)."""

from __future__ import annotations

import math
from typing import Any

SIZE = 520
MARGIN = 90


def layout(profiles: list[dict[str, Any]], evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """Node positions and edges for the identity page's SVG."""
    count = max(len(profiles), 1)
    radius = (SIZE - 2 * MARGIN) / 2 if count > 1 else 0
    centre = SIZE / 2
    nodes = {}
    for i, p in enumerate(profiles):
        angle = 2 * math.pi * i / count - math.pi / 2
        nodes[p["id"]] = {
            "id": p["id"],
            "x": round(centre + radius * math.cos(angle), 1),
            "y": round(centre + radius * math.sin(angle), 1),
            "type": p["type"],
            "label": p["username"] or p["display_name"] or str(p["id"]),
        }
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    for e in evidence:
        a, b = sorted((e["node_a"], e["node_b"]))
        if a not in nodes or b not in nodes:
            continue  # a declared identity's node: shown in the table, not drawn
        edge = pairs.setdefault(
            (a, b),
            {
                "a": a,
                "b": b,
                "x1": nodes[a]["x"],
                "y1": nodes[a]["y"],
                "x2": nodes[b]["x"],
                "y2": nodes[b]["y"],
                "kinds": [],
                "verified": False,
            },
        )
        edge["kinds"].append(f"{e['evidence']} ({e['provenance']}): {e['detail']}")
        edge["verified"] = edge["verified"] or e["provenance"] == "verified"
    return {"size": SIZE, "nodes": list(nodes.values()), "edges": list(pairs.values())}
