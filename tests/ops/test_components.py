"""The connected-components function: converges in rounds that grow with
log(size), not with the length of a chain, and labels every node with the
smallest id of its component."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from loaders import db as dbmod

from ..conftest import FIGURES


@pytest.fixture(scope="module")
def cc_conn(module_database: dbmod.Database) -> Any:
    import psycopg

    # cppa_lib.connected_components comes with the migrations
    with psycopg.connect(module_database.conninfo, autocommit=True) as conn:
        yield conn


def table(conn: Any, name: str, columns: str, rows: list[tuple[int, ...]]) -> None:
    """A fresh table of these rows (COPY)."""
    conn.execute(f"drop table if exists {name}")
    conn.execute(f"create table {name} ({columns})")
    with conn.cursor().copy(f"copy {name} from stdin") as copy:
        for row in rows:
            copy.write_row(row)


def components(conn: Any, edges: list[tuple[int, int]]) -> tuple[dict[int, int], int]:
    table(conn, "chain_edges", "node_a bigint, node_b bigint", edges)
    rows = conn.execute(
        "select node_id, component_id, rounds from"
        " cppa_lib.connected_components("
        "'select node_a, node_b from chain_edges')"
    ).fetchall()
    return {r[0]: r[1] for r in rows}, max(r[2] for r in rows)


def test_a_10000_node_chain_in_shuffled_id_order_converges_fast(cc_conn: Any) -> None:
    ids = list(range(1, 10_001))
    random.Random(5).shuffle(ids)
    labels, rounds = components(cc_conn, list(itertools.pairwise(ids)))
    assert set(labels.values()) == {1} and len(labels) == 10_000
    FIGURES["components"] = f"10,000-node chain in shuffled id order: {rounds} rounds"
    assert rounds <= 20, f"{rounds} rounds for a 10,000-node chain"


def test_sorted_chain_and_separate_components(cc_conn: Any) -> None:
    edges = [(i, i + 1) for i in range(100, 2100)] + [(5, 9), (9, 7), (50, 40)]
    labels, rounds = components(cc_conn, edges)
    assert {labels[n] for n in range(100, 2101)} == {100}
    assert labels[9] == labels[7] == 5 and labels[50] == 40
    assert rounds <= 20


def separate(
    conn: Any, edges: list[tuple[int, int, int]], pairs: list[tuple[int, int]]
) -> tuple[dict[int, int], dict[int, list[int]]]:
    """cppa_lib.separate on these links and "different" pairs: each node's
    component after the cuts, and the nodes it was cut from."""
    table(conn, "cut_edges", "node_a bigint, node_b bigint, capacity numeric", edges)
    table(conn, "cut_pairs", "node_a bigint, node_b bigint", pairs)
    rows = conn.execute(
        "select node_id, component_id, cut_with from cppa_lib.separate("
        "'select node_a, node_b, capacity from cut_edges',"
        " 'select node_a, node_b from cut_pairs')"
    ).fetchall()
    return {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows if r[2]}


def test_separate_cuts_only_the_link_between_the_sides(cc_conn: Any) -> None:
    """A, B, C, D share one address (a star on A), A and E another: "different
    A E" cuts the one link A-E, and A, B, C, D stay together."""
    labels, cut = separate(cc_conn, [(1, 2, 1), (1, 3, 1), (1, 4, 1), (1, 5, 1)], [(1, 5)])
    assert labels == {1: 1, 2: 1, 3: 1, 4: 1, 5: 5}
    assert cut == {1: [5], 5: [1]}
    # the same with the address drawn as a clique and the pair given backwards
    clique = [(a, b, 1) for a in range(1, 5) for b in range(a + 1, 5)]
    labels, cut = separate(cc_conn, [*clique, (1, 5, 1)], [(5, 1)])
    assert labels == {1: 1, 2: 1, 3: 1, 4: 1, 5: 5} and cut == {1: [5], 5: [1]}


def test_separate_takes_weak_links_before_a_strong_one(cc_conn: Any) -> None:
    """Two weak paths (weight 1 each) and one strong link (weight 10) on the way
    from 1 to 9: the cut is the two weak links, not the strong one; pairs already
    apart and nodes in no pair are left as they are."""
    edges = [(1, 2, 10), (2, 9, 1), (1, 3, 1), (3, 9, 10), (20, 21, 1)]
    labels, cut = separate(cc_conn, edges, [(1, 9), (20, 99)])
    assert labels[1] == labels[2] == 1 and labels[3] == labels[9] == 3
    assert labels[20] == labels[21] == 20
    assert cut == {2: [9], 9: [2], 1: [3], 3: [1]}


def test_separate_many_pairs_in_one_component(cc_conn: Any) -> None:
    """A star 10-{11, 12, 13} with 11 told apart from 12 and from 13: one cut
    (10-11) serves both decisions."""
    labels, cut = separate(cc_conn, [(10, 11, 1), (10, 12, 1), (10, 13, 1)], [(11, 12), (11, 13)])
    assert labels == {10: 10, 11: 11, 12: 10, 13: 10} and cut == {10: [11], 11: [10]}
    labels, cut = separate(cc_conn, [], [(1, 2)])
    assert labels == {} and cut == {}


def test_separate_equals_the_brute_force_minimum(cc_conn: Any) -> None:
    """On 40 random graphs of up to 8 nodes, the cut separates the pair and
    weighs exactly the least any separating set of links weighs (every subset
    of nodes holding one side but not the other, tried)."""
    rng = random.Random(21)
    for _ in range(40):
        n = rng.randint(3, 8)
        edges = {
            (a, b): rng.choice([1, 1, 2, 5, 100])
            for a in range(1, n + 1)
            for b in range(a + 1, n + 1)
            if rng.random() < 0.5
        }
        links = [(a, b, w) for (a, b), w in edges.items()]
        labels, cut = separate(cc_conn, links, [(1, n)])
        if 1 not in labels or n not in labels:
            continue
        assert labels[1] != labels[n]
        cut_weight = sum(w for (a, b), w in edges.items() if b in cut.get(a, []))
        others = range(2, n)
        best = min(
            sum(w for (a, b), w in edges.items() if (a in side) != (b in side))
            for k in range(n - 1)
            for chosen in itertools.combinations(others, k)
            for side in [{1, *chosen}]
        )
        assert cut_weight == best, (links, cut)


def test_separate_cuts_as_the_version_before_it(cc_conn: Any) -> None:
    """Migration 0017 made the rounds cheaper, not different: on random graphs
    of several components with several pairs each, every node's component and
    cut links are those of 0014's function (loaded here from its migration)."""
    from pathlib import Path

    source = (Path(dbmod.MIGRATIONS_DIR) / "0014_minimum_cut_rounds.sql").read_text()
    cc_conn.execute("create schema if not exists cut_0014")
    cc_conn.execute(source.replace("cppa_lib.separate(", "cut_0014.separate("))
    rng = random.Random(17)
    for _ in range(25):
        edges: dict[tuple[int, int], int] = {}
        nodes = []
        for start in range(1, rng.randint(2, 5) * 100, 100):  # components 1.., 101.., ...
            size = rng.randint(2, 14)
            nodes += range(start, start + size)
            for a in range(start, start + size):
                for b in range(a + 1, start + size):
                    if rng.random() < 0.4:
                        edges[(a, b)] = rng.choice([1, 1, 2, 5, 100])
        pairs = [tuple(rng.sample(nodes, 2)) for _ in range(rng.randint(1, 12))]
        links = [(a, b, w) for (a, b), w in edges.items()]
        now = separate(cc_conn, links, pairs)  # type: ignore[arg-type]
        before = cc_conn.execute(
            "select node_id, component_id, cut_with from cut_0014.separate("
            "'select node_a, node_b, capacity from cut_edges',"
            " 'select node_a, node_b from cut_pairs')"
        ).fetchall()
        assert now == ({r[0]: r[1] for r in before}, {r[0]: r[2] for r in before if r[2]})
