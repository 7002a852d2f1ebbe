"""Positioned text: boxes from a PDF text layer or from OCR, grouped into lines.

Both readers produce the same shapes, so the field parsers never care where text came
from. Coordinates grow rightwards and downwards, in the reader's own unit.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Two boxes share a line when they overlap vertically by at least this share of the
# smaller one: enough to absorb a photo's skew, not enough to merge adjacent lines.
_LINE_OVERLAP = 0.5
# Boxes closer than this many line heights belong to one phrase (a name, a label).
_PHRASE_GAP = 1.0
# No printed line holds more characters than this: a line's boxes are kept up to it, so
# every later step on a line (labels, dates, amounts, names) costs at most this much.
MAX_LINE_CHARS = 400


@dataclass(frozen=True, slots=True)
class Box:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1e-6)


@dataclass(frozen=True, slots=True)
class Line:
    """One visual line: its boxes left to right, and their text joined by spaces."""

    page: int
    boxes: tuple[Box, ...]
    text: str = field(init=False)
    starts: tuple[int, ...] = field(init=False)
    top: float = field(init=False)
    bottom: float = field(init=False)
    # Worked out once: every value on the line asks for it, several times.
    height: float = field(init=False, repr=False, compare=False)
    # Built on first use and kept: several readers ask for a line's phrases.
    _phrases: tuple[Phrase, ...] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        boxes = self.boxes
        texts = [box.text for box in boxes]
        starts: list[int] = []
        offset = 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + 1
        top = min([box.top for box in boxes])
        bottom = max([box.bottom for box in boxes])
        object.__setattr__(self, "text", " ".join(texts))
        object.__setattr__(self, "starts", tuple(starts))
        object.__setattr__(self, "top", top)
        object.__setattr__(self, "bottom", bottom)
        object.__setattr__(self, "height", max(bottom - top, 1e-6))

    def x_at(self, offset: int) -> float:
        """Horizontal position of a character, interpolated inside its box."""
        # Bisection: values are placed on long lines too, and a scan per value would make
        # reading such a line quadratic.
        # (Comparisons in place of min and max calls, the same values: every value on a
        # line asks for its place.)
        starts = self.starts
        index = bisect_right(starts, offset) - 1
        if index < 0:
            index = 0
        box = self.boxes[index]
        length = len(box.text)
        share = (offset - starts[index]) / (1 if length < 1 else length)
        if share < 0.0:
            share = 0.0
        elif share > 1.0:
            share = 1.0
        return box.left + share * (box.right - box.left)

    def span(self, start: int, end: int) -> tuple[float, float]:
        return self.x_at(start), self.x_at(end)

    def phrases(self) -> tuple[Phrase, ...]:
        """Runs of boxes separated by small gaps (a name, a label, a value)."""
        if self._phrases is None:
            object.__setattr__(self, "_phrases", self._find_phrases())
        return self._phrases  # type: ignore[return-value]

    def _find_phrases(self) -> tuple[Phrase, ...]:
        runs: list[list[int]] = []
        for index, box in enumerate(self.boxes):
            previous = self.boxes[index - 1] if index else None
            if previous and box.left - previous.right < _PHRASE_GAP * self.height:
                runs[-1].append(index)
            else:
                runs.append([index])
        return tuple(
            Phrase(
                " ".join(self.boxes[i].text for i in run),
                self.starts[run[0]],
                self.boxes[run[0]].left,
                self.boxes[run[-1]].right,
            )
            for run in runs
        )


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    start: int  # offset in the line's text
    left: float
    right: float


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[Line, ...]


def group_lines(page: int, boxes: Iterable[Box]) -> tuple[Line, ...]:
    """Group boxes into lines by vertical overlap, top to bottom, left to right."""
    rows: list[list[Box]] = []
    for box in sorted(_non_empty(boxes), key=lambda b: (b.top + b.bottom) / 2):
        if rows and _overlaps(rows[-1], box):
            rows[-1].append(box)
        else:
            rows.append([box])
    return tuple(Line(page, _capped(sorted(row, key=lambda b: b.left))) for row in rows)


def _capped(boxes: Sequence[Box]) -> tuple[Box, ...]:
    """The line's boxes up to MAX_LINE_CHARS characters (a longer box is cut)."""
    kept: list[Box] = []
    room = MAX_LINE_CHARS
    for box in boxes:
        if room <= 0:
            break
        if len(box.text) > room:
            box = Box(box.text[:room], box.left, box.top, box.right, box.bottom)
        kept.append(box)
        room -= len(box.text) + 1
    return tuple(kept)


def _non_empty(boxes: Iterable[Box]) -> list[Box]:
    kept = []
    for box in boxes:
        text = box.text.strip()
        if text:  # most boxes are kept as they are: a word has no spaces around it
            kept.append(
                box if text == box.text else Box(text, box.left, box.top, box.right, box.bottom)
            )
    return kept


def _overlaps(row: Sequence[Box], box: Box) -> bool:
    # Against the row's first and latest boxes, not its whole extent: a large title must
    # not pull the small lines beside it into one line. (Unrolled, comparisons in place
    # of min and max calls, the same values: it runs once per box.)
    top, bottom = box.top, box.bottom
    height = bottom - top
    if height < 1e-6:
        height = 1e-6
    for other in (row[0], row[-1]):
        other_top, other_bottom = other.top, other.bottom
        other_height = other_bottom - other_top
        if other_height < 1e-6:
            other_height = 1e-6
        shared = (bottom if bottom < other_bottom else other_bottom) - (
            top if top > other_top else other_top
        )
        if shared < _LINE_OVERLAP * (height if height < other_height else other_height):
            return False
    return True


def page_from_text(text: str, number: int = 0) -> Page:
    """Plain text as a page of monospaced lines: one character is one unit wide."""
    lines = []
    for row, raw in enumerate(text.splitlines()):
        stripped = raw.rstrip()
        if not stripped.strip():
            continue
        indent = len(stripped) - len(stripped.lstrip())
        boxes = _split_columns(stripped.lstrip()[:MAX_LINE_CHARS], indent, row)
        lines.append(Line(number, _capped(boxes)))
    width = max((len(raw) for raw in text.splitlines()), default=1)
    return Page(number, float(width), float(max(len(text.splitlines()), 1)), tuple(lines))


def _split_columns(text: str, indent: int, row: int) -> list[Box]:
    # Runs of two or more spaces separate columns in text exports, like gaps on a page.
    boxes = []
    position = 0
    for chunk in text.split("  "):
        if chunk.strip():
            left = indent + position + (len(chunk) - len(chunk.lstrip()))
            word = chunk.strip()
            boxes.append(Box(word, float(left), float(row), float(left + len(word)), row + 0.9))
        position += len(chunk) + 2
    return boxes
