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


def components(conn: Any, edges: list[tuple[int, int]]) -> tuple[dict[int, int], int]:
    conn.execute("drop table if exists chain_edges")
    conn.execute("create table chain_edges (node_a bigint, node_b bigint)")
    with conn.cursor().copy("copy chain_edges from stdin") as copy:
        for edge in edges:
            copy.write_row(edge)
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
