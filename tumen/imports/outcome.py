"""What one batch of an import came to: counts, and the rows refused with their problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from tumen.imports.columns import CleanRow, Problem
from tumen.imports.sources import SourceRow


@dataclass
class Outcome:
    imported: int = 0
    skipped: int = 0
    rejected: int = 0
    rejected_rows: list[tuple[SourceRow, list[Problem]]] = field(default_factory=list)
    written: list[CleanRow] = field(default_factory=list)

    def counted(self) -> Outcome:
        self.rejected = len(self.rejected_rows)
        return self
