"""Argument checks shared by every loader: type, length, NUL bytes, encodability."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import InvalidInput

NUMBER = re.compile(r"-?[0-9]+")  # ASCII digits, one optional sign
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
NAME_MAX, URL_MAX, SLACK_ID_MAX, EMAIL_MAX, TEXT_MAX = 255, 512, 64, 254, 10_000


def text(
    function: str,
    field: str,
    value: Any,
    max_len: int = NAME_MAX,
    required: bool = False,
    row: int | None = None,
) -> str | None:
    """A string argument; None and "" mean "not given" and come back as None."""
    if (
        type(value) is str
        and value
        and len(value) <= max_len
        and value.isascii()
        and "\x00" not in value
        and (not required or not value.isspace())
    ):
        return value  # the common case, checked cheaply
    if value is None or value == "":
        if required:
            raise InvalidInput(function, field, value, "must not be empty", row)
        return None
    if not isinstance(value, str):
        raise InvalidInput(
            function, field, value, f"must be a string, not {type(value).__name__}", row
        )
    if "\x00" in value:
        raise InvalidInput(function, field, value, "must not contain NUL bytes", row)
    if len(value) > max_len:
        raise InvalidInput(
            function, field, value, f"is {len(value)} characters long; the limit is {max_len}", row
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            function, field, value, "is not valid Unicode (lone surrogate)", row
        ) from None
    if required and not value.strip():
        raise InvalidInput(function, field, value, "must not be blank", row)
    return value


def bigint(function: str, field: str, value: Any, row: int | None = None) -> int:
    """An int64 id; numeric strings are accepted, bools and floats are not."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(function, field, value, "must be an integer", row)
    if isinstance(value, str):
        stripped = value.strip()
        if not NUMBER.fullmatch(stripped):
            raise InvalidInput(function, field, value, "must be a number", row)
        value = int(stripped)
    if not isinstance(value, int):
        raise InvalidInput(
            function, field, value, f"must be an integer, not {type(value).__name__}", row
        )
    if not INT64_MIN <= value <= INT64_MAX:
        raise InvalidInput(function, field, value, "is out of the 64-bit integer range", row)
    return value


def boolean(function: str, field: str, value: Any, row: int | None = None) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(function, field, value, "must be True or False", row)
    return value


def choice(
    function: str, field: str, value: Any, allowed: tuple[str, ...], row: int | None = None
) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInput(function, field, value, f"must be one of {', '.join(allowed)}", row)
    return value


def node_id(function: str, field: str, value: Any, row: int | None = None) -> int:
    """An id given as an int or as a loader value carrying `.id`."""
    if hasattr(value, "id") and not isinstance(value, (int, str)):
        value = value.id
    return bigint(function, field, value, row)


def optional_node_id(function: str, field: str, value: Any, row: int | None = None) -> int | None:
    return None if value is None else node_id(function, field, value, row)


def rows(
    function: str, given: Any, keys: frozenset[str] | None
) -> list[tuple[int, Mapping[str, Any]]]:
    """The rows of a bulk loader, numbered from 1 as people count them: a list
    (any iterable) of dicts whose keys the loader knows (`keys`; None: any, for
    API objects such as Slack's). Raises InvalidInput before anything is written."""
    if given is None or isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        raise InvalidInput(
            function, "rows", given, f"must be a list of dicts, not {type(given).__name__}"
        )
    out = []
    for number, row in enumerate(given, 1):
        if not isinstance(row, Mapping):
            raise InvalidInput(
                function, "row", row, f"must be a dict, not {type(row).__name__}", number
            )
        if keys is not None:
            unknown = sorted(str(k) for k in row if k not in keys)
            if unknown:
                raise InvalidInput(
                    function,
                    unknown[0],
                    row.get(unknown[0]),
                    f"is not a key of this loader (it knows {', '.join(sorted(keys))});"
                    " nothing was written",
                    number,
                )
        out.append((number, row))
    return out
