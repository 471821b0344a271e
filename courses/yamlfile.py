"""YAML that remembers line numbers, so every content error can name file and line."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict[Any, Any]):
    """A mapping from YAML that knows the (1-based) line it started on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        mapping = LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


class YamlError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def load_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse YAML; raise YamlError with the line of the problem (shifted by line_offset)."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise YamlError(line, error.problem or str(error)) from None
    except yaml.YAMLError as error:
        raise YamlError(1 + line_offset, str(error)) from None


def line_of(value: Any, default: int = 1) -> int:
    return getattr(value, "line", default) or default
