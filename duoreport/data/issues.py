"""What is wrong with an input, and where: the one error type of every check on an export.

An :class:`Issue` names the file, the column (or, in a settings or mapping file, the key), the
spreadsheet rows (the header is row 1) or the lines of a YAML file, the rule that was broken and
what to do about it. A :class:`ContractError` carries every issue found, so that one run of
``duoreport validate`` shows them all, and says that nothing was written.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ROWS_SHOWN = 8


@dataclass(frozen=True)
class Issue:
    file: str
    column: str | None
    rows: tuple
    rule: str
    detail: str
    unit: str = "row"  # "row" in a table (spreadsheet row), "line" in a YAML file

    def __str__(self) -> str:
        where = self.file
        if self.column:
            where += f", {'column' if self.unit == 'row' else 'key'} '{self.column}'"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            more = f" and {len(self.rows) - MAX_ROWS_SHOWN} more" if len(self.rows) > MAX_ROWS_SHOWN else ""
            where += f", {self.unit}{'s' if len(self.rows) > 1 else ''} {shown}{more}"
        return f"{where}: [{self.rule}] {self.detail}"


class ContractError(Exception):
    """The input breaks the data contract; nothing has been written.

    ``proposal`` is, when the problems could be fixed by an import mapping, the mapping that
    would fix them (YAML text to review), else an empty string.
    """

    def __init__(self, issues, proposal: str = ""):
        self.issues = list(issues)
        self.proposal = proposal
        super().__init__(self.report())

    def report(self) -> str:
        head = f"The data do not meet the contract ({len(self.issues)} problem(s)); nothing was written."
        lines = [head] + [f"  - {i}" for i in self.issues]
        if self.proposal:
            lines += ["", "A mapping that would fix some of these problems (review it, then save it as "
                      "mapping.yml beside the export, or run `duoreport mapping init` to write it):", "",
                      self.proposal.rstrip()]
        return "\n".join(lines)

    def rules(self) -> set:
        return {i.rule for i in self.issues}
