"""Read a small YAML file of an export (settings, mapping) with the line of every key.

Problems in these files are reported like problems in the data: file, key, line, rule, fix.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .issues import ContractError, Issue


class Located:
    """A parsed YAML document and the line (1-based) of each key path, e.g. ``("antennas", 2, "code")``."""

    def __init__(self, name: str, data, lines: dict):
        self.name = name
        self.data = data
        self.lines = lines

    def line(self, *path) -> tuple:
        """The line of the nearest enclosing key that has one, as a 1-tuple (or () if none)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return (self.lines[path],)
            path = path[:-1]
        return ()

    def issue(self, path: tuple, rule: str, detail: str) -> Issue:
        key = ".".join(str(p) if not isinstance(p, int) else f"[{p + 1}]" for p in path).replace(".[", "[")
        return Issue(self.name, key or None, self.line(*path), rule, detail, unit="line")


def _record_lines(node, path: tuple, lines: dict) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + 1
            _record_lines(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _record_lines(item, path + (i,), lines)


def read_yaml(path: Path) -> Located:
    """Parse a YAML file; a syntax error is a ContractError naming the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContractError([Issue(path.name, None, (), "encoding", "not valid UTF-8; save the file as UTF-8",
                                   unit="line")]) from None
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        rows = (mark.line + 1,) if mark is not None else ()
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContractError([Issue(path.name, None, rows, "yaml_syntax",
                                   f"not valid YAML ({problem}); check the indentation and the quotes",
                                   unit="line")]) from None
    lines: dict = {}
    if node is not None:
        _record_lines(node, (), lines)
    return Located(path.name, {} if data is None else data, lines)
