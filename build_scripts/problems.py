"""Problems are data: every check yields them, a report collects and sorts them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, said so a maintainer can fix it without reading code.

    ``code`` is stable (tests and the CI summary rely on it); ``file`` is relative to the repo;
    ``field`` is a dotted path such as ``sections[2].heading``; ``line`` is 1-based when known.
    """

    file: str
    line: int
    field: str
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def render(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        field = f" {self.field}:" if self.field else ""
        hint = f"; {self.hint}" if self.hint else ""
        tag = "" if self.severity == "error" else " (warning)"
        return f"{where}:{field} [{self.code}]{tag} {self.message}{hint}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    problems: tuple[Problem, ...]

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> Report:
        return cls(tuple(sorted(set(problems))))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self) -> str:
        lines = [p.render() for p in self.problems]
        lines.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)


class BuildError(Exception):
    """A build step failed for a reason the report explains; the CLI prints it and exits 1."""

    def __init__(self, report: Report | str):
        self.report = report if isinstance(report, Report) else None
        super().__init__(report.render() if isinstance(report, Report) else report)

    def __reduce__(self) -> tuple[type, tuple[Report | str]]:
        # raised in a build step's child process (build_scripts.background) and re-raised here
        return (BuildError, (self.report or str(self),))
