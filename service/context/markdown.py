"""A narrative field's value: Markdown the clerk typed, kept as typed until the render stage lays it out."""

from __future__ import annotations

from markupsafe import escape


class Md:
    """A narrative field. In a ``{{p …}}`` paragraph it becomes Word paragraphs; inline it is plain text."""

    __slots__ = ("source",)

    def __init__(self, source: str):
        self.source = source

    def __str__(self) -> str:
        return self.source

    def __html__(self) -> str:  # inline use: the text itself, escaped, never markup
        return str(escape(self.source))

    def __bool__(self) -> bool:
        return bool(self.source.strip())

    def __eq__(self, other) -> bool:
        return isinstance(other, Md) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def __repr__(self) -> str:
        return f"Md({self.source!r})"
