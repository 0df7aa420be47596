"""Docs and comments say what the code does: every dbt model, macro, mart,
SQL function, Python module or function (`loaders.x.y`), file and test they
name exists, and what they call the default name policy is the default."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import yaml

from loaders.ops.catalog import DEFAULT_NAME_POLICY, NAME_POLICIES

ROOT = Path(__file__).resolve().parent.parent
DBT = ROOT / "dbt_project"
# what is read: the code and its SQL, the dbt project, the README and docs/
# (tests name objects they plant on purpose; they are not read)
READ = ("loaders", "dbt_project", "benchmarks", "docs")
ENDINGS = (".py", ".sql", ".md", ".yml", ".yaml")
DBT_BUILTINS = {"ref", "source", "var", "config", "env_var", "this", "is_incremental", "return"}

MODEL_RE = re.compile(r"(?<![\w{<])((?:int|stg)_[a-z0-9]+(?:_[a-z0-9]+)*)\b(?!_)")
MART_RE = re.compile(r"(?<![\w.])cppa_identity\.([a-z_]+)\b")
FUNCTION_RE = re.compile(r"(?<![\w.])(cppa_(?:raw|ops|lib)\.\w+)\s*\(")
MACRO_RE = re.compile(r"\{\{-?\s*(\w+)\s*\(|\bmacros?\s+`(\w+)`|`(\w+)`\s+macro\b")
PATH_RE = re.compile(
    r"(?<![\w/.-])((?:loaders|dbt_project|tests|benchmarks|docs)/[\w./-]*\w)(?![\w/<*{-]|\.\w)"
)
PYTHON_RE = re.compile(r"(?<![\w./-])(loaders(?:\.[A-Za-z_]\w*)+)")
TEST_ID_RE = re.compile(r"((?:tests/[\w/]+\.py))?::(test_\w+)")
DEFAULT_RE = re.compile(r"\b(" + "|".join(NAME_POLICIES) + r")`?'?\s*\((?:the )?default\)")


def sources() -> list[Path]:
    found = [ROOT / "README.md"]
    for top in READ:
        found += [p for p in sorted((ROOT / top).rglob("*")) if p.suffix in ENDINGS]
    return [p for p in found if "/target/" not in str(p) and "dbt_packages" not in str(p)]


@cache
def models() -> set[str]:
    return {p.stem for p in (DBT / "models").rglob("*.sql")}


@cache
def macros() -> set[str]:
    found: set[str] = set()
    for path in (DBT / "macros").rglob("*.sql"):
        found |= set(re.findall(r"macro\s+(\w+)\s*\(", path.read_text()))
    return found


@cache
def relations() -> set[str]:
    """What the dbt project builds (models, snapshots, seeds) and what the SQL
    files and migrations create (tables, views, functions, settings)."""
    found = set(models())
    for path in (DBT / "snapshots").glob("*.yml"):
        found |= {s["name"] for s in yaml.safe_load(path.read_text())["snapshots"]}
    found |= {p.stem for p in (DBT / "seeds").glob("*.csv")}
    return found


@cache
def created() -> set[str]:
    """Schema-qualified names the loaders' SQL creates (functions, tables, views,
    sequences, collations) or uses as settings."""
    found: set[str] = set()
    created_re = re.compile(
        r"create\s+(?:or\s+replace\s+)?(?:unlogged\s+)?"
        r"(?:function|table|view|sequence|collation)\s+(?:if\s+not\s+exists\s+)?(\w+\.\w+)",
        re.I,
    )
    for path in sorted((ROOT / "loaders").rglob("*")):
        if path.suffix in (".sql", ".py"):
            text = path.read_text()
            found |= set(created_re.findall(text))
            found |= set(re.findall(r"(?:set_config|current_setting)\('(\w+\.\w+)'", text))
    return found


def stale(text: str) -> list[str]:
    """What a text names that does not exist."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        if "getLogger(" in line:
            continue  # a logger's name, not a relation
        for m in MODEL_RE.finditer(line):
            if m.group(1) not in models() | macros():
                found.append(f"{n}: model {m.group(1)}")
        for m in MART_RE.finditer(line):
            name = m.group(1)
            if name not in relations() and f"cppa_identity.{name}" not in created():
                found.append(f"{n}: mart cppa_identity.{name}")
        for m in FUNCTION_RE.finditer(line):
            if m.group(1) not in created():
                found.append(f"{n}: function {m.group(1)}")
        for m in MACRO_RE.finditer(line):
            name = next(g for g in m.groups() if g)
            if name not in macros() | DBT_BUILTINS:
                found.append(f"{n}: macro {name}")
        for m in PATH_RE.finditer(line):
            path = m.group(1).rstrip(".")
            if not (ROOT / path).exists():
                found.append(f"{n}: path {path}")
    return found


def python_name_exists(dotted: str) -> bool:
    """`loaders.a.b.c`: a module of the package and the names in it. A module only
    the Django app's settings let import is read instead: the name is defined in
    its source."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        module = ".".join(parts[:i])
        path = ROOT.joinpath(*parts[:i])
        if not (path.with_suffix(".py").exists() or (path / "__init__.py").exists()):
            continue
        try:
            found: object = importlib.import_module(module)
        except ImportError:
            return False
        except Exception:  # Django's ImproperlyConfigured: read the source
            source = (
                path.with_suffix(".py")
                if path.with_suffix(".py").exists()
                else path / "__init__.py"
            ).read_text()
            return all(
                re.search(rf"^\s*(def|class) {name}\b|^{name}\b\s*[:=]", source, re.M)
                for name in parts[i : i + 1]
            )
        for name in parts[i:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def stale_python(text: str) -> list[str]:
    """What a text names as `loaders.…` that does not exist."""
    return [
        f"{n}: python {m.group(1)}"
        for n, line in enumerate(text.splitlines(), 1)
        for m in PYTHON_RE.finditer(line)
        if not python_name_exists(m.group(1))
    ]


def test_every_python_name_in_docs_and_comments_exists() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{where}"
        for path in sources()
        for where in stale_python(path.read_text())
    ]
    assert found == []


def test_the_python_scan_finds_what_is_stale() -> None:
    """Names as they were before issue 32, and one the Django app defines."""
    text = (
        "loaders.ops.transfer.ADDRESS_HOLDERS matches the add row\n"
        "call loaders.ops.embedded.register() first\n"
        "loaders.ops.dbt_runner.set_environment()\n"
        "see loaders.django_app.services.get_or_create_github_account\n"
        "loaders.django_app.services.delete_everything\n"
        "loaders.mailing_list_profiles._prepare\n"
    )
    assert stale_python(text) == [
        "1: python loaders.ops.transfer.ADDRESS_HOLDERS",
        "3: python loaders.ops.dbt_runner.set_environment",
        "5: python loaders.django_app.services.delete_everything",
        "6: python loaders.mailing_list_profiles._prepare",
    ]


def test_every_name_in_docs_and_comments_exists() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{where}"
        for path in sources()
        for where in stale(path.read_text())
    ]
    assert found == []


def test_every_test_the_docs_name_exists() -> None:
    """`tests/x.py::test_y`, and `::test_z` after it, name tests that exist."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            last = None
            for m in TEST_ID_RE.finditer(line):
                last = m.group(1) or last
                if last is None:
                    continue
                if not re.search(rf"def {m.group(2)}\b", (ROOT / last).read_text()):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {last}::{m.group(2)}")
    assert found == []


def test_the_scan_finds_what_is_stale() -> None:
    """Each kind of stale name is found (names as they were before issue 32)."""
    text = (
        "int_evidence_names_usable → int_evidence_edges_collected\n"
        "-- with the same rules as dbt's int_emails_current.\n"
        "select * from cppa_identity.identity_vanished\n"
        "select cppa_ops.publish_everything(1)\n"
        "{{ fold_email(address) }} and the `latest_non_null` macro\n"
        "see loaders/django_app/sql/write_back.sql.\n"
        "select cppa_ops.publish_marts(1) from cppa_identity.identity\n"
    )
    assert stale(text) == [
        "1: model int_evidence_names_usable",
        "2: model int_emails_current",
        "3: mart cppa_identity.identity_vanished",
        "4: function cppa_ops.publish_everything",
        "5: macro fold_email",
        "6: path loaders/django_app/sql/write_back.sql",
    ]


def test_what_the_docs_call_the_default_policy_is_the_default() -> None:
    project = yaml.safe_load((DBT / "dbt_project.yml").read_text())
    assert project["vars"]["name_join_policy"] == DEFAULT_NAME_POLICY
    found = [
        f"{path.relative_to(ROOT)}:{n}: {m.group(1)}"
        for path in sources()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        for m in DEFAULT_RE.finditer(line)
        if m.group(1) != DEFAULT_NAME_POLICY
    ]
    assert found == []
    other = next(p for p in NAME_POLICIES if p != DEFAULT_NAME_POLICY)
    assert DEFAULT_RE.search(f"'{other}' (the default) asks")  # the scan can fail


def test_import_loaders_does_not_raise_its_first_call_does() -> None:
    """What the README says: with nothing set, `import loaders` works and the
    first call raises ConfigError naming the variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPPA_IDENTITY_DSN")}
    code = (
        "import loaders\n"
        "from loaders.errors import ConfigError\n"
        "try:\n    loaders.get_or_create_github_account(1, 'octo')\n"
        "except ConfigError as exc:\n    print('refused:', exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    ).stdout
    assert out.startswith("refused: CPPA_IDENTITY_DSN is not set")
    readme = (ROOT / "README.md").read_text()
    assert not re.search(r"`import loaders` (refuses|raises)", readme)
