"""The generated worldwide community (benchmarks/community.py) is deterministic and
has what the merge benchmark counts on: namesakes with accounts of their own,
unique platform ids, logins and addresses, 1-5 profiles a person, and a truth that
covers every loaded profile."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any

import psycopg
import pytest

from benchmarks import community
from benchmarks.merge_quality import calibration, core_name, fold
from loaders import db as dbmod


@pytest.fixture(scope="module")
def large() -> community.Community:
    return community.generate(12_000, seed=29)


def people_of(c: community.Community, loader: str) -> list[tuple[Hashable, dict[str, Any]]]:
    return list(zip(c.truth.get(loader, []), c.rows.get(loader, []), strict=True))


def test_same_seed_same_community_other_seed_another() -> None:
    a, b = community.generate(1_500, seed=5), community.generate(1_500, seed=5)
    assert a.rows == b.rows and a.truth == b.truth
    assert [p.name for p in a.people] == [p.name for p in b.people]
    assert community.generate(1_500, seed=6).rows != a.rows


def test_common_names_are_carried_by_several_people(large: community.Community) -> None:
    carriers = Counter(fold(p.name) for p in large.people)
    shared = {name: n for name, n in carriers.items() if n >= 2}
    assert len(shared) >= 300, len(shared)
    assert sum(n == 1 for n in carriers.values()) >= 6_000  # and many names are one person's
    assert carriers["wei wang"] >= 3 and carriers["rahul kumar"] >= 2
    # namesakes have GitHub accounts of their own: other ids, other logins
    accounts: dict[str, set[tuple[int, str]]] = {}
    names = {p.key: fold(p.name) for p in large.people}
    for person, row in people_of(large, "load_github_accounts"):
        if isinstance(person, int) and carriers[names[person]] >= 2:
            accounts.setdefault(names[person], set()).add(
                (row["github_account_id"], row["username"].lower())
            )
    two = [held for held in accounts.values() if len(held) >= 2]
    assert len(two) >= 100
    assert all(len({gid for gid, _ in held}) == len({u for _, u in held}) for held in two)


def test_origin_shares_are_roughly_the_documented_ones(large: community.Community) -> None:
    share = Counter(p.origin for p in large.people)
    assert 0.21 < share["chinese"] / 12_000 < 0.27
    assert 0.13 < share["indian"] / 12_000 < 0.17
    wangs = sum(p.family == "Wang" for p in large.people if p.origin == "chinese")
    assert 0.05 < wangs / share["chinese"] < 0.09


def test_ids_logins_and_addresses_belong_to_one_person(large: community.Community) -> None:
    owner: dict[tuple[str, Any], set[Hashable]] = {}
    for person, row in people_of(large, "load_github_accounts"):
        owner.setdefault(("github id", row["github_account_id"]), set()).add(person)
        owner.setdefault(("login", row["username"].lower()), set()).add(person)
        if row.get("email"):
            owner.setdefault(("email", row["email"]), set()).add(person)
    for loader in ("commits", "load_mailing_list_profiles", "load_wg21_paper_author_profiles"):
        for person, row in people_of(large, loader):
            owner.setdefault(("email", row["email"].lower()), set()).add(person)
    for person, row in people_of(large, "load_slack_users"):
        owner.setdefault(("slack id", row["id"]), set()).add(person)
        if row["profile"].get("email"):
            owner.setdefault(("email", row["profile"]["email"]), set()).add(person)
    shared = {key: people for key, people in owner.items() if len(people) > 1}
    assert shared == {}
    per_person = Counter(p for rows in large.truth.values() for p in rows if isinstance(p, int))
    assert set(per_person) == set(range(12_000))
    assert set(per_person.values()) <= {1, 2, 3, 4, 5}
    # two GitHub accounts of one person: rare, and real
    github = Counter(p for p, _ in people_of(large, "load_github_accounts"))
    assert 0.005 < sum(n == 2 for n in github.values()) / 12_000 < 0.03


def test_the_truth_covers_every_loaded_profile(database: dbmod.Database) -> None:
    generated = community.generate(400, seed=11)
    truth = community.load(generated)
    with psycopg.connect(database.conninfo) as conn:
        loaded = {row[0] for row in conn.execute("select base_profile_id from cppa_raw.profiles")}
    assert set(truth) == loaded
    assert {p for p in truth.values() if isinstance(p, int)} == set(range(400))
    assert {p for p in truth.values() if isinstance(p, str)} >= {"bot:dependabot[bot]"}


def test_calibration_bands_and_error() -> None:
    members = {1: [10], 2: [20], 3: [30], 4: [40]}
    truth: dict[int, Hashable] = {10: "a", 20: "a", 30: "b", 40: "c"}
    scored = [(1, 2, 0.95), (3, 4, 0.92), (1, 3, 0.15), (2, 4, 1.0)]
    bands, error = calibration(scored, members, truth)
    assert bands[9] == (3, 1, pytest.approx(2.87))
    assert bands[1] == (1, 0, pytest.approx(0.15))
    # |1/3 - 0.9567| * 3 + |0 - 0.15| * 1, over 4 candidates
    assert error == pytest.approx((abs(1 / 3 - 2.87 / 3) * 3 + 0.15) / 4)


def test_a_name_compares_as_a_careful_reader_would() -> None:
    same = {core_name(n) for n in ("Wang, Wei", "wei wang", "Wei J. Wang", "WANG Wei")}
    assert same == {"wang wei"}
    assert core_name("García López, José") == "garcia jose lopez"
    assert core_name("Min-jun Kim") == core_name("Minjun Kim") != core_name("Min Jun Kim")
