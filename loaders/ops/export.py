"""Export of identities: streamed from the marts as dicts, written as JSON Lines,
CSV (safe for spreadsheets) or .mailmap; addresses redacted on request."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg.rows import dict_row

from ..errors import CppaIdentityError
from ..queries import named_statements
from ..values import normalize_email
from .mailmap import mailmap_lines

SQL = named_statements(Path(__file__).parent / "sql" / "export.sql")


# an address anywhere in a text: a name that is one, "Jane <jane@x.org>", a reason
ADDRESS_IN_TEXT = re.compile(r"[^\s<>()\[\],;:\"'@]+@[^\s<>()\[\],;:\"'@]+")


@dataclass(frozen=True)
class Redactor:
    """`export --redact-emails`: every address, in every field that can carry one,
    becomes `redacted:<keyed hash>`, the same for the same address (so identities
    keep their shape) and no longer an address at all."""

    key: bytes

    @classmethod
    def of(cls, conn: psycopg.Connection[Any], given: str = "") -> Redactor:
        """The database's key (migration 0008), or the one given."""
        if given:
            return cls(given.encode())
        row = conn.execute(SQL["redaction_key"]).fetchone()
        if row is None:
            raise CppaIdentityError("this database has no redaction key: run `cppa-identity init`")
        return cls(str(row[0]).encode())

    def address(self, email: str) -> str:
        """One token per address as the merge reads it (values.normalize_email)."""
        digest = hmac.new(self.key, normalize_email(email.strip()).encode(), hashlib.sha256)
        return f"redacted:{digest.hexdigest()[:20]}"

    def text(self, value: str) -> str:
        return ADDRESS_IN_TEXT.sub(lambda m: self.address(m.group()), value)

    def deep(self, value: Any) -> Any:
        """`value` with every string redacted: a field named email whole, any other
        where it contains an address."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {
                k: self.address(v) if k == "email" and isinstance(v, str) and v else self.deep(v)
                for k, v in value.items()
            }
        return value


def identities(
    conn: psycopg.Connection[Any], redact: Redactor | None = None
) -> Iterator[dict[str, Any]]:
    """One dict per identity with its profiles and emails, streamed in id order."""
    current: dict[str, Any] | None = None
    with conn.cursor(name="cppa_export", row_factory=dict_row) as cur:
        cur.itersize = 2000
        for row in cur.execute(SQL["identities"]):
            if current is None or current["id"] != row["identity_id"]:
                if current is not None:
                    yield redact.deep(current) if redact else current
                current = {
                    "id": row["identity_id"],
                    "display_name": row["identity_name"],
                    "profiles": [],
                }
            emails = row["emails"]
            current["profiles"].append(
                {
                    "id": row["profile_id"],
                    "type": row["type"],
                    "username": row["username"],
                    "display_name": row["display_name"],
                    "emails": emails,
                }
            )
    if current is not None:
        yield redact.deep(current) if redact else current


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix cells that
    start with = + - @ tab or carriage return with a single quote)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def write_lines(items: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """JSON Lines: one object per line; the count written."""
    count = 0
    for item in items:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_export(
    items: Iterable[dict[str, Any]], fmt: str, out: IO[str], protect_csv: bool = True
) -> int:
    count = 0
    writer = csv.writer(out)

    def csv_row(row: list[Any]) -> None:
        writer.writerow([neutralise(c) for c in row] if protect_csv else row)

    if fmt == "csv":
        csv_row(
            [
                "identity_id",
                "identity_display_name",
                "profile_id",
                "type",
                "username",
                "display_name",
                "emails",
            ]
        )
    for item in items:
        count += 1
        if fmt == "csv":
            for p in item["profiles"]:
                csv_row(
                    [
                        item["id"],
                        item["display_name"],
                        p["id"],
                        p["type"],
                        p["username"],
                        p["display_name"],
                        ";".join(e["email"] for e in p["emails"]),
                    ]
                )
        else:
            out.write(mailmap_lines(item))
    return count
