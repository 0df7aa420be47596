"""Import and export, by job: loaders.ops.importing (reading lines, the report,
the driver), .jsonl_import and .bulk_import (JSON Lines of loader calls),
.mailmap (git's .mailmap, read and written), .export (identities as JSON Lines,
CSV, .mailmap), .calls (the dump). This module names what callers use."""

from __future__ import annotations

from ..errors import ImportAborted
from .export import Redactor, identities, neutralise, write_export, write_lines
from .importing import BadLine, ImportReport, raw_is_empty, read_lines
from .jsonl_import import IMPORTABLE, import_jsonl
from .mailmap import import_mailmap, mailmap_lines, parse_mailmap_line

__all__ = [
    "IMPORTABLE",
    "BadLine",
    "ImportAborted",
    "ImportReport",
    "Redactor",
    "identities",
    "import_jsonl",
    "import_mailmap",
    "mailmap_lines",
    "neutralise",
    "parse_mailmap_line",
    "raw_is_empty",
    "read_lines",
    "write_export",
    "write_lines",
]
