"""JSON text as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, several times faster.

With `indent`, the standard library encodes in pure Python, one generator per level: 4 s for a
report of 10,000 dossiers and 37,000 findings, more than the checks themselves. This writes the
same characters (tests compare them), escaping strings with the library's own C function.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring
from typing import Any

INDENT = 2


def dumps(value: Any, end: str = "") -> str:
    """`value` as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, then `end`."""
    parts: list[str] = []
    _write(value, "\n", parts.append)
    parts.append(end)
    return "".join(parts)  # the one copy of a report of tens of megabytes


def _write(value: Any, newline: str, out: Any) -> None:
    """Append the text of `value` to `out`; `newline` is a line break and the current indent."""
    if isinstance(value, str):
        out(encode_basestring(value))
    elif isinstance(value, Raw):
        for part in value.parts:
            out(part)
    elif value is None:
        out("null")
    elif isinstance(value, dict):
        if not value:
            out("{}")
            return
        inner = newline + " " * INDENT
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON keys are text here, not {type(key).__name__}")
            out(separator)
            out(encode_basestring(key))
            out(": ")
            _write(item, inner, out)
            separator = "," + inner
        out(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out("[]")
            return
        inner = newline + " " * INDENT
        separator = "[" + inner
        for item in value:
            out(separator)
            if isinstance(item, dict | list | tuple):
                # An element (a finding, a dossier) joined at once: a report holds millions of
                # small pieces, which would otherwise all be alive until the end.
                parts: list[str] = []
                _write(item, inner, parts.append)
                out("".join(parts))
            else:
                _write(item, inner, out)
            separator = "," + inner
        out(newline + "]")
    else:
        # None, booleans, numbers, and any other value, as the library writes (or refuses) it.
        out(json.dumps(value, ensure_ascii=False))


class Raw:
    """JSON text already written at its place (`Shape.list_text`), in pieces, written as it is
    (joined once, with the rest of the text)."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts


class Shape:
    """The text of objects of one shape at one depth, written by filling slots in a template.

    A report holds tens of thousands of findings and dossiers, all of the same shape: the
    template is `dumps`'s own text of one of them (so the same characters), cut at its values;
    each object is then its values, escaped, between the template's pieces. `shape` gives each
    key its slot name, or a nested shape; `newline` is the line break and indent of the list the
    objects stand in.
    """

    def __init__(self, shape: Mapping[str, Any], newline: str) -> None:
        self.newline, self.inner = newline, newline + " " * INDENT
        parts: list[str] = []
        _write(_marked(shape), self.inner, parts.append)
        text = "".join(parts)
        pieces = _SLOT.split(text)  # literal, slot, literal, slot, ..., literal
        self.first = pieces[0]
        self.slots: list[tuple[str, str, str]] = []  # slot, its list's newline, literal after
        position = len(pieces[0])
        for slot, literal in zip(pieces[1::2], pieces[2::2], strict=True):
            # A list in the slot is written at the indent of its key's line.
            line = text[text.rfind("\n", 0, position) + 1 : position]
            indent = len(line) - len(line.lstrip(" "))
            self.slots.append((slot, "\n" + " " * indent, literal))
            position += len(_encoded(slot)) + len(literal)

    def text(self, values: Mapping[str, Any]) -> str:
        """One object's text, its slots filled with `values` (texts, None, lists, numbers)."""
        out = [self.first]
        for slot, newline, literal in self.slots:
            value = values[slot]
            if value.__class__ is str:
                out.append(encode_basestring(value))
            elif value is None:
                out.append("null")
            else:
                parts: list[str] = []
                _write(value, newline, parts.append)
                out.append("".join(parts))
            out.append(literal)
        return "".join(out)

    def list_text(self, objects: Iterable[Mapping[str, Any]]) -> Raw:
        """A list of objects of this shape, as `dumps` writes it at this depth."""
        return self.list_of([self.joined(objects)])

    def joined(self, objects: Iterable[Mapping[str, Any]]) -> str:
        """The texts of objects of this shape, as their list writes them between its brackets:
        a piece of it (`list_of`), which can be written apart, in another process too."""
        return ("," + self.inner).join(map(self.text, objects))

    def joined_utf8(self, objects: Iterable[Mapping[str, Any]]) -> bytes:
        """`joined`, in UTF-8, each object encoded as it is written."""
        return ("," + self.inner).encode().join(self.text(o).encode() for o in objects)

    def list_of_utf8(self, pieces: Iterable[bytes]) -> bytes:
        """`list_of` in UTF-8, of pieces in UTF-8 (each of `joined_utf8`)."""
        kept = [piece for piece in pieces if piece]
        if not kept:
            return b"[]"
        inner, newline = self.inner.encode(), self.newline.encode()
        return b"[" + inner + (b"," + inner).join(kept) + newline + b"]"

    def list_of(self, pieces: Iterable[str]) -> Raw:
        """The list whose objects' texts are `pieces` in order (each of `joined`), as `dumps`
        writes it at this depth."""
        kept = [piece for piece in pieces if piece]
        if not kept:
            return Raw(["[]"])
        return Raw(["[" + self.inner, ("," + self.inner).join(kept), self.newline + "]"])


def _marked(shape: Mapping[str, Any]) -> dict[str, Any]:
    """`shape` with each slot name replaced by a mark that no JSON text holds unescaped."""
    return {
        key: _marked(slot) if isinstance(slot, Mapping) else f"\x00{slot}\x00"
        for key, slot in shape.items()
    }


def _encoded(slot: str) -> str:
    return encode_basestring(f"\x00{slot}\x00")


_SLOT = re.compile(r'"\\u0000(\w+)\\u0000"')
