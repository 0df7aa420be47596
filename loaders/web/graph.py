"""An identity's evidence as a picture: its profiles placed by a small
deterministic force-directed layout (Fruchterman–Reingold: linked profiles pull
together, all push apart), one line per pair of profiles evidence joins,
coloured by the strongest kind of evidence between them and solid when verified,
dashed when claimed only; labels placed where they collide with no other label
or node. Past DRAWN_MAX profiles no picture: the evidence table says it all."""

from __future__ import annotations

import math
from typing import Any

DRAWN_MAX = 60  # profiles; more go as a table only
CELL = 150  # room per profile, in SVG units: the canvas grows with the identity
MIN_SIZE = 420
MARGIN = 16
NODE_R = 8
ROUNDS = 150
GRAVITY = 0.05
GROW = 1.25  # the canvas grows by this until every label finds a free place
LABEL_CHARS = 18
CHAR_W = 6.4  # width of a character at the labels' 11px, a little generous
LABEL_H = 13

# kind of evidence -> colour of its lines (the legend names those present)
KIND_COLOURS = {
    "manual_same": "#6a3d9a",
    "lock": "#6a3d9a",
    "declared_identity": "#1f5fbf",
    "same_account": "#1f5fbf",
    "tmp_identity": "#3a8fd9",
    "github_noreply_id": "#1e7a46",
    "github_noreply_login": "#47a36b",
    "shared_email": "#b8860b",
    "probable_match": "#a4401b",
}
OTHER_COLOUR = "#5d6b7a"

Box = tuple[float, float, float, float]  # left, top, right, bottom


def _forces(count: int, links: set[tuple[int, int]]) -> list[tuple[float, float]]:
    """Positions in [0, 1]² of `count` nodes (indices) joined by `links`; the same
    input gives the same picture (no randomness: a circle to start)."""
    if count == 1:
        return [(0.5, 0.5)]
    k = 1 / math.sqrt(count)
    pos = [
        (
            0.5 + 0.4 * math.cos(2 * math.pi * i / count - math.pi / 2),
            0.5 + 0.4 * math.sin(2 * math.pi * i / count - math.pi / 2),
        )
        for i in range(count)
    ]
    for step in range(ROUNDS):
        moves = [[0.0, 0.0] for _ in range(count)]
        for i in range(count):
            xi, yi = pos[i]
            for j in range(i + 1, count):
                dx, dy = xi - pos[j][0], yi - pos[j][1]
                d = math.hypot(dx, dy)
                if d < 1e-6:  # on one spot: apart along a direction of their own
                    dx, dy, d = math.cos(i + j), math.sin(i + j), 1e-6
                push = k * k / d
                moves[i][0] += dx / d * push
                moves[i][1] += dy / d * push
                moves[j][0] -= dx / d * push
                moves[j][1] -= dy / d * push
        for i, j in links:
            dx, dy = pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]
            d = max(math.hypot(dx, dy), 1e-6)
            pull = d * d / k
            moves[i][0] -= dx / d * pull
            moves[i][1] -= dy / d * pull
            moves[j][0] += dx / d * pull
            moves[j][1] += dy / d * pull
        for i in range(count):  # toward the centre: parts with no link stay near
            moves[i][0] += (0.5 - pos[i][0]) * GRAVITY
            moves[i][1] += (0.5 - pos[i][1]) * GRAVITY
        heat = 0.1 * (1 - step / ROUNDS) + 0.002
        moved = []
        for (x, y), (mx, my) in zip(pos, moves, strict=True):
            length = max(math.hypot(mx, my), 1e-9)
            moved.append((x + mx / length * min(length, heat), y + my / length * min(length, heat)))
        pos = moved
    # each axis stretched to the canvas (a flat layout fills it too), but not
    # beyond twice the other's stretch (a line of two stays a line)
    xs, ys = [p[0] for p in pos], [p[1] for p in pos]
    wide, high = max(xs) - min(xs), max(ys) - min(ys)
    span_x = max(wide, high / 2, 1e-6)
    span_y = max(high, wide / 2, 1e-6)
    left, top = (1 - wide / span_x) / 2, (1 - high / span_y) / 2
    return [(left + (x - min(xs)) / span_x, top + (y - min(ys)) / span_y) for x, y in pos]


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def label_box(label: dict[str, Any]) -> Box:
    """The box a label's text takes (its anchor: start, middle or end)."""
    width = CHAR_W * len(label["text"])
    left = {
        "start": label["x"],
        "middle": label["x"] - width / 2,
        "end": label["x"] - width,
    }[label["anchor"]]
    return (left, label["y"] - LABEL_H + 3, left + width, label["y"] + 3)


def _place_labels(nodes: list[dict[str, Any]], size: float) -> bool:
    """Each node's label below, above, right or left of it, or further off
    (first the place that collides with nothing: no other label, no node, inside
    the canvas), greedily, the busiest nodes first."""
    placed: list[Box] = []
    free = True
    circles = [
        (n["x"] - NODE_R - 1, n["y"] - NODE_R - 1, n["x"] + NODE_R + 1, n["y"] + NODE_R + 1)
        for n in nodes
    ]
    for n in nodes:
        options = []
        for reach in (0, 1, 2):
            options += [
                (n["x"], n["y"] + NODE_R + 13 + 12 * reach, "middle"),
                (n["x"], n["y"] - NODE_R - 4 - 12 * reach, "middle"),
                (n["x"] + NODE_R + 4, n["y"] + 4 + 12 * reach, "start"),
                (n["x"] - NODE_R - 4, n["y"] + 4 + 12 * reach, "end"),
                (n["x"] + NODE_R + 4, n["y"] + 4 - 12 * reach, "start"),
                (n["x"] - NODE_R - 4, n["y"] + 4 - 12 * reach, "end"),
            ]
        best: tuple[float, dict[str, Any], Box] | None = None
        for x, y, anchor in options:
            label = {"x": round(x, 1), "y": round(y, 1), "anchor": anchor, "text": n["text"]}
            box = label_box(label)
            cost = sum(_overlap(box, other) for other in placed + circles)
            if box[0] < 0 or box[1] < 0 or box[2] > size or box[3] > size:
                cost += 1e6
            if best is None or cost < best[0]:
                best = (cost, label, box)
            if cost == 0:
                break
        assert best is not None
        n["label"] = best[1]
        placed.append(best[2])
        free = free and best[0] == 0
    return free


def layout(profiles: list[dict[str, Any]], evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """Node positions, labels, edges and the legend for the identity page's SVG;
    `drawn` is False past DRAWN_MAX profiles (the page shows the table only)."""
    edges: dict[tuple[int, int], dict[str, Any]] = {}
    ids = [p["id"] for p in profiles]
    known = set(ids)
    for e in evidence:  # strongest first (show_evidence's order)
        a, b = sorted((e["node_a"], e["node_b"]))
        if a not in known or b not in known:
            continue  # a declared identity's node: shown in the table, not drawn
        edge = edges.setdefault(
            (a, b), {"a": a, "b": b, "kind": e["evidence"], "kinds": [], "verified": False}
        )
        edge["kinds"].append(f"{e['evidence']} ({e['provenance']}): {e['detail']}")
        edge["verified"] = edge["verified"] or e["provenance"] == "verified"
    if len(profiles) > DRAWN_MAX:
        return {"drawn": False, "count": len(profiles), "limit": DRAWN_MAX}
    size = float(max(MIN_SIZE, CELL * math.ceil(math.sqrt(len(profiles)))))
    index = {pid: i for i, pid in enumerate(ids)}
    spots = _forces(len(ids), {(index[a], index[b]) for a, b in edges})
    nodes = []
    for p in profiles:
        name = str(p["username"] or p["display_name"] or "")
        short = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
        text = f"{p['id']} {short}".strip()
        nodes.append({"id": p["id"], "type": p["type"], "name": name, "text": text, "degree": 0})
    for edge in edges.values():
        for node in (edge["a"], edge["b"]):
            nodes[index[node]]["degree"] += 1
    busiest = sorted(nodes, key=lambda n: (-n["degree"], n["id"]))
    for _ in range(8):
        inner = size - 2 * (MARGIN + CHAR_W * (LABEL_CHARS + 4) / 2)
        for n, (x, y) in zip(nodes, spots, strict=True):
            n["x"] = round(size / 2 + (x - 0.5) * inner, 1)
            n["y"] = round(size / 2 + (y - 0.5) * inner, 1)
        if _place_labels(busiest, size):
            break
        size *= GROW
    size = round(size)
    for edge in edges.values():
        a, b = nodes[index[edge["a"]]], nodes[index[edge["b"]]]
        edge.update(x1=a["x"], y1=a["y"], x2=b["x"], y2=b["y"])
        edge["colour"] = KIND_COLOURS.get(edge["kind"], OTHER_COLOUR)
    kinds = sorted({e["kind"] for e in edges.values()})
    return {
        "drawn": True,
        "size": size,
        "nodes": nodes,
        "edges": list(edges.values()),
        "legend": [(k, KIND_COLOURS.get(k, OTHER_COLOUR)) for k in kinds],
        "provenances": sorted({e["verified"] for e in edges.values()}, reverse=True),
    }
