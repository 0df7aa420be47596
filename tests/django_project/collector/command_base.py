"""A collector base command of the kind the old app's project has (a template
method: build a collector, run its phases, log failures with a category), for
the drop-in's command to fit into. Named by the test settings' overrides only."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)
PHASES_RUN: list[str] = []


class AbstractCollector(ABC):
    @property
    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def validate_config(self) -> None: ...

    @abstractmethod
    def collect(self) -> None: ...

    def run(self) -> None:
        self.validate_config()
        self.collect()

    def sync_pinecone(self) -> None:
        return None

    def handle_error(self, exc: BaseException) -> None:
        logger.exception(
            "collector %s failed",
            self.name,
            extra={"failure_category": "unknown", "collector_phase": "run"},
        )


class BaseCollectorCommand(ABC, BaseCommand):
    @abstractmethod
    def get_collector(self, **options: Any) -> AbstractCollector: ...

    def handle(self, *args: Any, **options: Any) -> None:
        collector = self.get_collector(**options)
        for phase in (collector.run, collector.sync_pinecone):
            PHASES_RUN.append(phase.__name__)
            try:
                phase()
            except CommandError:
                logger.error(
                    "command error",
                    extra={"failure_category": "command", "collector_phase": phase.__name__},
                )
                raise
            except Exception as exc:
                collector.handle_error(exc)
                raise
