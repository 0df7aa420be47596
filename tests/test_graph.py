"""The identity page's evidence picture is readable from 2 to 60 profiles (nodes
apart, no label over another label or a node, lines by kind with a legend) and a
table past that."""

from __future__ import annotations

import itertools
import math
import random
import time
from typing import Any

import pytest

from loaders.web import graph

KINDS = ["probable_match", "shared_email", "github_noreply_id", "manual_same"]


def identity(count: int, seed: int = 3) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` profiles with long names, a chain of evidence and a few extra links."""
    rng = random.Random(seed)
    profiles = [
        {
            "id": 100 + i,
            "type": rng.choice(["github", "slack", "mailing_list"]),
            "username": None if i % 3 else f"login-number-{i}",
            "display_name": f"Some Rather Long Name {i}",
        }
        for i in range(count)
    ]
    pairs = [(i - 1, i) for i in range(1, count)]
    pairs += [tuple(rng.sample(range(count), 2)) for _ in range(count // 3)] if count > 2 else []
    evidence = [
        {
            "node_a": 100 + a,
            "node_b": 100 + b,
            "evidence": KINDS[(a + b) % len(KINDS)],
            "provenance": "verified" if a % 2 else "claimed",
            "detail": "x",
        }
        for a, b in pairs
    ]
    return profiles, evidence


@pytest.mark.parametrize("count", [2, 3, 8, 25, 60])
def test_nodes_apart_and_labels_collide_with_nothing(count: int) -> None:
    profiles, evidence = identity(count)
    started = time.perf_counter()
    drawn = graph.layout(profiles, evidence)
    assert time.perf_counter() - started < 3
    assert drawn["drawn"] and len(drawn["nodes"]) == count
    size, nodes = drawn["size"], drawn["nodes"]
    for a, b in itertools.combinations(nodes, 2):
        assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) >= 2 * graph.NODE_R + 6, (a, b)
    boxes = [graph.label_box(n["label"]) for n in nodes]
    for (i, box), (j, other) in itertools.combinations(enumerate(boxes), 2):
        assert graph._overlap(box, other) == 0, (nodes[i]["label"], nodes[j]["label"])
    for box, n in zip(boxes, nodes, strict=True):
        assert min(box[0], box[1]) >= 0 and max(box[2], box[3]) <= size
        for m in nodes:
            circle = (m["x"] - graph.NODE_R, m["y"] - graph.NODE_R)
            circle_box = (*circle, m["x"] + graph.NODE_R, m["y"] + graph.NODE_R)
            assert graph._overlap(box, circle_box) == 0, (n["label"], m["id"])


def test_linked_profiles_sit_closer_and_the_same_input_draws_the_same() -> None:
    profiles, evidence = identity(30)
    drawn = graph.layout(profiles, evidence)
    assert drawn == graph.layout(profiles, evidence)
    at = {n["id"]: (n["x"], n["y"]) for n in drawn["nodes"]}
    linked = {(e["a"], e["b"]) for e in drawn["edges"]}
    near = [math.dist(at[a], at[b]) for a, b in linked]
    apart = [
        math.dist(at[a], at[b])
        for a, b in itertools.combinations(sorted(at), 2)
        if (a, b) not in linked
    ]
    assert sum(near) / len(near) < 0.6 * sum(apart) / len(apart)


def test_lines_by_kind_and_provenance_with_a_legend() -> None:
    profiles, evidence = identity(12)
    drawn = graph.layout(profiles, evidence)
    present = {e["kind"] for e in drawn["edges"]}
    assert [k for k, _ in drawn["legend"]] == sorted(present) and len(present) > 1
    for e in drawn["edges"]:
        assert e["colour"] == graph.KIND_COLOURS[e["kind"]]
    assert {e["verified"] for e in drawn["edges"]} == {True, False}


def test_past_the_limit_a_table_instead() -> None:
    profiles, evidence = identity(graph.DRAWN_MAX + 1)
    assert graph.layout(profiles, evidence) == {
        "drawn": False,
        "count": graph.DRAWN_MAX + 1,
        "limit": graph.DRAWN_MAX,
    }
