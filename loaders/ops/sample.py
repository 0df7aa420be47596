"""Deterministic sample data: people across platforms with real-world quirks,
and the ground truth (which person each profile belongs to).

Quirks: upper-case email variants, GitHub noreply commit emails, generic shared
addresses (blocked), senders rewritten by a list ("Jane Doe via Boost" with the
list's address), name spelling variants (accents, initials, upper case), renamed
logins, bots, and namesakes: pairs of people who share a common full name.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FIRST = [
    "Anna",
    "Boris",
    "Chen",
    "Dana",
    "Emil",
    "Fatima",
    "Gustav",
    "Hana",
    "Ivan",
    "José",
    "Kumar",
    "Lena",
    "Marco",
    "Nora",
    "Olaf",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tomás",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Abrams",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Horvat",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Müller",
    "Novak",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Uribe",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
]
# The commonest given name × surname pairs (1990 US Census): namesakes carry these,
# so a shared name between them is never distinctive enough to merge.
COMMON = [
    ("James", "Smith"),
    ("Mary", "Johnson"),
    ("John", "Williams"),
    ("Robert", "Brown"),
    ("Michael", "Jones"),
    ("Linda", "Miller"),
    ("David", "Davis"),
    ("Jennifer", "Wilson"),
]
DOMAINS = ["gmail.com", "boost.org", "isocpp.org", "outlook.com", "uni-example.edu"]
GENERIC = ["noreply@github.com", "root@localhost", "user@example.com"]
ASCII = str.maketrans("áéíóúüñçãõ", "aeiouuncao")


@dataclass
class Call:
    person: int | None  # None = a bot (its own truth class)
    loader: str
    args: dict[str, Any]


@dataclass
class Sample:
    calls: list[Call] = field(default_factory=list)

    def add(self, person: int | None, loader: str, **args: Any) -> None:
        self.calls.append(Call(person, loader, args))


def generate(people: int = 200, seed: int = 7) -> Sample:
    rng = random.Random(seed)
    sample = Sample()
    names = rng.sample([(f, la) for f in FIRST for la in LAST], min(people, len(FIRST) * len(LAST)))
    for p in range(23, people, 25):  # this person and the next share a common full name
        names[p % len(names)] = COMMON[(p // 25) % len(COMMON)]
    for p in range(people):
        if p % 25 == 24:  # shares a common full name with someone else: only a candidate
            first, last = names[p - 1]
            name = f"{first} {last}"
            sample.add(
                p,
                "get_or_create_mailing_list_profile",
                display_name=name,
                email=f"{first.lower()}{p}@other-example.net",
            )
            sample.add(
                p, "get_or_create_youtube_speaker", external_id=f"UC{p:06d}", display_name=name
            )
            continue
        first, last = names[p % len(names)]
        name = f"{first} {last}"
        plain = name.translate(ASCII).lower()
        login = (plain.split()[0][0] + plain.split()[1]).replace("ü", "u") + str(p)
        email = f"{plain.replace(' ', '.')}{p}@{rng.choice(DOMAINS)}"
        gid = 10_000 + p
        if rng.random() < 0.8:
            shown = name if rng.random() < 0.7 else name.translate(ASCII)
            sample.add(
                p,
                "get_or_create_github_account",
                github_account_id=gid,
                username=login,
                display_name=shown,
                avatar_url=f"https://avatars.example/{gid}",
            )
            if rng.random() < 0.2:  # renamed login later
                sample.add(
                    p,
                    "get_or_create_github_account",
                    github_account_id=gid,
                    username=login + "-dev",
                    display_name="",
                )
            if rng.random() < 0.5:  # commit author seen only through a noreply address
                sample.add(
                    p,
                    "get_or_create_unknown_github_account",
                    name=name.translate(ASCII),
                    email=f"{gid}+{login}@users.noreply.github.com",
                )
                if rng.random() < 0.5:  # the same author name also committed as their email
                    sample.add(
                        p,
                        "get_or_create_unknown_github_account",
                        name=name.translate(ASCII),
                        email=email,
                    )
        if rng.random() < 0.5:
            sample.add(
                p,
                "get_or_create_slack_user",
                user_data={
                    "id": f"U{p:05d}",
                    "name": login,
                    "real_name": name,
                    "profile": {
                        "email": email.upper() if rng.random() < 0.3 else email,
                        "image_72": f"https://slack.example/{p}.png",
                    },
                },
            )
        if rng.random() < 0.6:
            sample.add(
                p,
                "get_or_create_mailing_list_profile",
                display_name=name.upper() if rng.random() < 0.1 else name,
                email=f"  {email}  " if rng.random() < 0.2 else email,
            )
        if rng.random() < 0.15:  # a list that rewrites senders (DMARC): one shared address
            sample.add(
                p,
                "get_or_create_mailing_list_profile",
                display_name=f"{name} via Boost",
                email="boost@lists.boost.org",
            )
        if rng.random() < 0.2:
            short = f"{first[0]}. {last}"
            sample.add(
                p,
                "get_or_create_wg21_paper_author_profile",
                display_name=short if rng.random() < 0.5 else name,
                email=email,
            )
        if rng.random() < 0.4:
            sample.add(
                p,
                "get_or_create_discord_profile",
                discord_user_id=900_000 + p,
                username=login,
                display_name=first,
            )
        if rng.random() < 0.2:
            sample.add(
                p, "get_or_create_youtube_speaker", external_id=f"UC{p:06d}", display_name=name
            )
        if rng.random() < 0.05:  # a generic address: blocked, must not merge anyone
            sample.add(
                p,
                "get_or_create_mailing_list_profile",
                display_name=name + " (work)",
                email=rng.choice(GENERIC),
            )
    sample.add(
        None,
        "get_or_create_github_account",
        github_account_id=49699333,
        username="dependabot[bot]",
        display_name="dependabot[bot]",
    )
    sample.add(
        None,
        "get_or_create_discord_profile",
        discord_user_id=1,
        username="carl-bot",
        display_name="Carl",
        is_bot=True,
    )
    return sample


def load(sample: Sample, source: str = "sample", conn: Any = None) -> dict[int, int | None]:
    """Run every call through the loaders; returns base_profile_id → person."""
    import loaders

    truth: dict[int, int | None] = {}
    for call in sample.calls:
        function: Callable[..., Any] = getattr(loaders, call.loader)
        value, _ = function(**call.args, conn=conn, source=source)
        truth[value.id] = call.person
    return truth


def pairwise_scores(
    truth: dict[int, int | None], predicted: dict[int, int]
) -> tuple[float, float, int, int, int]:
    """Precision and recall of "same person" over all profile pairs.

    Returns (precision, recall, true positives, predicted pairs, true pairs).
    """

    def pairs(groups: dict[Any, list[int]]) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for members in groups.values():
            members.sort()
            out.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
        return out

    by_truth: dict[Any, list[int]] = {}
    for pid, person in truth.items():
        by_truth.setdefault(("bot", pid) if person is None else person, []).append(pid)
    by_pred: dict[Any, list[int]] = {}
    for pid, ident in predicted.items():
        if pid in truth:
            by_pred.setdefault(ident, []).append(pid)
    true_pairs, pred_pairs = pairs(by_truth), pairs(by_pred)
    hits = len(true_pairs & pred_pairs)
    precision = hits / len(pred_pairs) if pred_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    return precision, recall, hits, len(pred_pairs), len(true_pairs)
