"""What goes wrong with a scenario file, said in sentences an administrator can act on."""

from __future__ import annotations

from collections.abc import Iterable

from tumen.lib.yamldoc import Problem


class ScenarioError(Exception):
    """The scenario file cannot be loaded; nothing was written.

    The message is one sentence per problem, each naming the file and the line
    (`1963.yaml line 42: unit "yanji-border" names unknown jurisdiction "yanjj".`); when there
    are several, a first sentence gives their number. A file that cannot be read at all has a
    `reason` instead of problems.
    """

    def __init__(
        self, source_name: str, problems: Iterable[Problem] = (), *, reason: str | None = None
    ):
        self.source_name = source_name
        # Sorted so the message reads top to bottom; one fault reached by two schema paths is
        # said once.
        self.problems = sorted(set(problems))
        self.reason = reason
        super().__init__(self._message())

    def sentences(self) -> list[str]:
        if self.reason:
            return [f"{self.source_name} {self.reason}."]
        return [f"{self.source_name} line {p.line}: {p.message}." for p in self.problems]

    def _message(self) -> str:
        sentences = self.sentences()
        if len(sentences) == 1:
            return sentences[0]
        return "\n".join([f"{self.source_name} has {len(sentences)} problems.", *sentences])
