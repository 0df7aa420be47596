"""Facts read from the bundled dbt project, so Python and dbt share one copy:
where the project is, which raw tables it reads, when a raw table is stale."""

from __future__ import annotations

import csv
import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from .schemas import RAW

SOURCES_FILE = Path("models") / "staging" / RAW / f"_{RAW}__sources.yml"


PROJECT_ENV = "CPPA_IDENTITY_DBT_PROJECT"


def project_dir() -> Path:
    """The dbt project: $CPPA_IDENTITY_DBT_PROJECT when set (another version of the
    project, e.g. a benchmark's baseline), else the one inside the wheel when
    installed, else the repository's."""
    override = os.environ.get(PROJECT_ENV)
    if override:
        return Path(override)
    bundled = Path(__file__).resolve().parent.parent / "dbt_project"
    if (bundled / "dbt_project.yml").exists():
        return bundled
    return Path(__file__).resolve().parent.parent.parent / "dbt_project"


@cache
def _raw_source() -> dict[str, Any]:
    import yaml

    document = yaml.safe_load((project_dir() / SOURCES_FILE).read_text())
    (source,) = [s for s in document["sources"] if s["name"] == RAW]
    return dict(source)


def raw_tables() -> tuple[str, ...]:
    """Every raw table the loaders write, as the dbt source declares them."""
    return tuple(table["name"] for table in _raw_source()["tables"])


def mart_names() -> frozenset[str]:
    """Every relation a run may build in the marts schema: the marts models,
    Django compatibility views included."""
    return frozenset(p.stem for p in (project_dir() / "models" / "marts").rglob("*.sql"))


def snapshot_names() -> frozenset[str]:
    """Every relation a run may build in the history schema: the snapshots."""
    return frozenset(p.stem for p in (project_dir() / "snapshots").rglob("*.yml"))


def stale_after_days() -> int:
    """The dbt source freshness `warn_after`, in days."""
    warn = _raw_source()["freshness"]["warn_after"]
    per_unit = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1}
    return max(1, round(float(warn["count"]) * per_unit[str(warn["period"])]))


def seed_rows(seed: str) -> list[dict[str, str]]:
    """The rows of a shipped seed file. Commands that check a name against a seed
    read the file, not the seeds schema: that schema is the transformer's, and
    what it owns a more privileged session never reads."""
    with (project_dir() / "seeds" / f"{seed}.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def seeds_checksum() -> str:
    """One checksum over every seed file (name and content): a run reloads the
    seeds only when it differs from the one recorded at the last load."""
    digest = hashlib.sha256()
    for path in sorted((project_dir() / "seeds").glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# What dbt writes or installs inside a project directory, never part of its source.
_NOT_SOURCE = frozenset({"target", "logs", "dbt_packages", "__pycache__"})


def project_checksum() -> str:
    """One checksum over every file of the dbt project (models, macros, seeds,
    snapshots, tests, dbt_project.yml; name and content): a run whose project
    differs from the last published run's builds, whatever else is unchanged."""
    root = project_dir()
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not _NOT_SOURCE.intersection(relative.parts):
            digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
