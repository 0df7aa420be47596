"""One exception hierarchy for everything cppa-identity raises on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


class CppaIdentityError(Exception):
    """Base class; the CLI prints the message and maps the class to an exit code
    (EXIT_CODES in loaders/cli/app.py, one table). Every class a caller can catch
    is defined here: one defined elsewhere falls through to the catch-all code."""

    hint = ""

    def __init__(self, message: str = "", hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} ({self.hint})" if self.hint and self.hint not in text else text


class InvalidInput(CppaIdentityError, ValueError):
    """A loader argument was rejected; nothing was written."""

    def __init__(
        self, function: str, field: str, value: object, problem: str, row: int | None = None
    ) -> None:
        self.function, self.field, self.value, self.problem, self.row = (
            function,
            field,
            value,
            problem,
            row,
        )
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        where = f" (row {row})" if row is not None else ""
        super().__init__(f"{function}: {field}={shown}{where}: {problem}")


class NotFound(CppaIdentityError, LookupError):
    """A referenced profile, email, identity or decision does not exist, or a
    lookup found nothing."""


class ConfigError(CppaIdentityError):
    """The database location or another setting is wrong."""


class DecisionRefused(CppaIdentityError):
    """A decision duplicates or contradicts one in force, or undoes nothing;
    nothing was recorded."""


class UsageError(CppaIdentityError):
    """A command was called with an argument it cannot use (bad format, bad path)."""


class ImportAborted(CppaIdentityError):
    """`import --strict` stopped at the first line it could not apply; nothing was
    imported (the whole import is one transaction)."""


class RunFailed(CppaIdentityError):
    """A run built nothing new: a model or a data test failed; the marts are unchanged."""


class RunCancelled(CppaIdentityError):
    """The caller stopped a run (Ctrl-C); it is logged `cancelled` and the
    published marts are unchanged."""


class SchemaOutdated(CppaIdentityError):
    """The raw schema is older than this code; loaders never migrate silently."""

    hint = "run `cppa-identity init`"


class PermissionDenied(CppaIdentityError):
    """The login's roles do not include this job (loader, transformer, reviewer,
    reader); nothing was written."""

    hint = "ask the database owner for the role of that job (`cppa-identity grants`)"


class RunLocked(CppaIdentityError):
    """Another `cppa-identity run` holds the run lock."""


class DatabaseUnavailable(CppaIdentityError):
    """The server could not be reached or dropped the connection; retrying may work."""

    retryable = True
    hint = "the server is unreachable or restarted; retry (see loaders.retry)"


class TransientConflict(CppaIdentityError):
    """A concurrent transaction got in the way (serialization failure, deadlock);
    retrying the whole transaction will work."""

    retryable = True
    hint = "retry the transaction (see loaders.retry)"


class DatabaseError(CppaIdentityError):
    """An unexpected database error, wrapped so no raw driver traceback escapes."""


@contextmanager
def wrap_db_errors(function: str) -> Iterator[None]:
    """Translate psycopg errors raised inside the block into CppaIdentityError."""
    try:
        yield
    except CppaIdentityError:
        raise
    except psycopg.errors.NoDataFound as exc:
        raise NotFound(f"{function}: {exc.diag.message_primary}") from exc
    except (
        psycopg.errors.UndefinedTable,
        psycopg.errors.UndefinedFunction,
        psycopg.errors.InvalidSchemaName,
    ) as exc:
        if "cppa_raw" not in (exc.diag.message_primary or ""):
            raise DatabaseError(f"{function}: {exc.diag.message_primary}") from exc
        raise SchemaOutdated(f"{function}: the cppa_raw schema is missing or old") from exc
    except (
        psycopg.errors.CharacterNotInRepertoire,
        psycopg.errors.UntranslatableCharacter,
        psycopg.errors.NumericValueOutOfRange,
        psycopg.DataError,
    ) as exc:
        raise InvalidInput(
            function, "value", getattr(exc.diag, "message_primary", ""), "rejected by the database"
        ) from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise PermissionDenied(f"{function}: {exc.diag.message_primary}") from exc
    except (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected) as exc:
        raise TransientConflict(f"{function}: {exc.diag.message_primary}") from exc
    except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
        raise DatabaseUnavailable(f"{function}: {type(exc).__name__}") from exc
    except psycopg.Error as exc:
        primary = getattr(exc.diag, "message_primary", None) or type(exc).__name__
        raise DatabaseError(f"{function}: {primary}") from exc
