"""One OFD page's objects as the PDF reader's page sees them: characters with their boxes and the
rules drawn, in PDF points with y growing upwards, and where the page's images stand.

An OFD page is millimetres with y growing downwards from its top left. Every object has a
Boundary (x y w h: its box on the page) and may have a CTM (a b c d e f) mapping its own
coordinates into that box: a point (x, y) of the object stands at (a·x + c·y + e + bx,
b·x + d·y + f + by) on the page.

- **Text** (TextObject): each TextCode puts its first character's baseline origin at (X, Y) and
  each next one DeltaX, DeltaY further (``g N d`` is N times d; a list shorter than the text
  repeats its last value, as readers do; a TextCode without X or Y goes on where the one before
  ended). TextCode holds the text itself in Unicode: fonts are not needed to read it. A
  character's box is its em box (no font is read for a glyph's own box): ASCENT of the type size
  above the baseline and DESCENT below, as wide as its advance (the next delta, else the type size
  for a wide character and half of it for another).
- **Rules** (PathObject): AbbreviatedData's subpaths (M or S starts one; L a line; Q, B, A
  curves; C closes it). A subpath thin one way is one rule along its middle, stroked or filled
  dark, as a PDF path is (``lattice.add_rules``); a larger stroked subpath gives a rule for each of
  its straight sides that runs across or down the page (a table's grid drawn as one path); a
  larger filled one is a cell background. Stroke, Fill and LineWidth come from the object, else
  its DrawParam, else the layer's.
- **Images** (ImageObject): the unit square mapped by the CTM into the Boundary; the reader
  decides whether a page is a scan (``ofd``).

PageBlocks are walked, and CompositeObjects: a CompositeGraphicUnit of the resources drawn through
the object's CTM into its Boundary (some producers put every line of a page in one; their depth is
bounded by the nesting limit: a unit that draws itself is refused). Objects marked Visible="false" are not read. Every object, TextCode and path segment
counts towards the page objects limit.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from .. import lattice, limits
from ..errors import ReportError
from ..lattice import THICK
from ..text_lines import Char
from .page import UNMAPPED

PT_PER_MM = 72 / 25.4
# a character's em box: this share of the type size above the baseline, and below it (CJK faces)
ASCENT = 0.86
DESCENT = 0.14
# a straight side runs across (or down) the page when it leans less than this (mm per mm)
LEAN = 0.01
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[A-Za-z]")
_SEPARATORS = re.compile(r"[\s,]+")
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def local(tag) -> str:
    """An element's name without its namespace (producers use several, or none)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child(element, name: str):
    """The first child named ``name`` (any namespace), or None."""
    for node in element:
        if local(node.tag) == name:
            return node
    return None


class At(NamedTuple):
    """Where an attribute read stands, for the reason a damaged one fails with: its name, the part,
    and the object's ID (None: an element of the part that is no object, a page's PhysicalBox)."""

    attribute: str
    part: str
    object: str | None = None


def numbers(value: str | None, where: At, name: str) -> list[float]:
    """The numbers of an attribute (separated by spaces, or commas as some producers write them);
    anything else is a damaged file."""
    if not value or not value.strip():
        return []
    try:
        out = [float(v) for v in _SEPARATORS.split(value.strip()) if v] if " " in value or "," in value else [
            float(value)]
    except ValueError:
        raise ReportError("ofd_not_numbers", name, attribute=where.attribute, part=where.part, object=where.object,
                          value=value[:40]) from None
    if not all(math.isfinite(v) for v in out):
        raise ReportError("ofd_not_finite", name, attribute=where.attribute, part=where.part, object=where.object,
                          value=value[:40])
    return out


def box(value: str | None, where: At, name: str) -> tuple[float, float, float, float] | None:
    """An ST_Box (x y w h in mm), or None where there is none."""
    found = numbers(value, where, name)
    if not found:
        return None
    if len(found) != 4:
        raise ReportError("ofd_not_box", name, attribute=where.attribute, part=where.part, object=where.object,
                          value=value[:40])
    return found[0], found[1], found[2], found[3]


def deltas(value: str | None, room: int, where: At, name: str) -> list[float]:
    """DeltaX or DeltaY as ``room`` steps (one fewer than the characters): ``g N d`` expanded,
    never past ``room`` (a count of a billion is only as long as the text), a short list ended
    with its last value."""
    if not value or room <= 0:
        return []
    tokens = _SEPARATORS.split(value.strip())
    out: list[float] = []
    k = 0
    try:
        while k < len(tokens) and len(out) < room:
            if tokens[k] == "g":
                count, step = int(float(tokens[k + 1])), float(tokens[k + 2])
                out += [step] * max(0, min(count, room - len(out)))
                k += 3
            elif tokens[k]:
                out.append(float(tokens[k]))
                k += 1
            else:
                k += 1
    except (ValueError, IndexError):
        raise ReportError("ofd_not_offsets", name, attribute=where.attribute, part=where.part, object=where.object,
                          value=value[:40]) from None
    if not all(math.isfinite(v) for v in out):
        raise ReportError("ofd_offset_not_finite", name, attribute=where.attribute, part=where.part,
                          object=where.object)
    if out and len(out) < room:
        out += [out[-1]] * (room - len(out))
    return out


@dataclass
class Placed:
    """An image object: its resource and where it stands on the page (mm, y down), and whether
    it is drawn mirrored across (flip_x) or upside down (flip_y)."""

    resource: str
    x0: float
    y0: float
    x1: float
    y1: float
    flip_x: bool = False
    flip_y: bool = False


@dataclass
class Drawn:
    """What one page (with its templates) draws, in PDF points (y up) for text and rules."""

    chars: list[Char] = field(default_factory=list)
    bad: int = 0  # characters without a Unicode mapping (private use, controls), left out
    horizontal: list[tuple[float, float, float]] = field(default_factory=list)
    vertical: list[tuple[float, float, float]] = field(default_factory=list)
    images: list[Placed] = field(default_factory=list)
    counted: int = 0  # objects, TextCodes and path segments, against the page objects limit


Affine = tuple[float, float, float, float, float, float]


def _then(inner: Affine, outer: Affine) -> Affine:
    """The affine map that applies ``inner``, then ``outer`` (x' = a·x + c·y + e, y' = b·x + d·y + f)."""
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (p * a + r * b, q * a + s * b, p * c + r * d, q * c + s * d, p * e + r * f + t, q * e + s * f + u)


class PageReader:
    """Reads the objects of one page's layers (and its templates') into a ``Drawn``.

    ``height``: the page's height in mm (y is flipped to points against it); ``params``: the
    document's DrawParams by ID; ``units``: its CompositeGraphicUnits by ID; ``part``: the page's
    part, named in errors."""

    def __init__(self, height: float, params: dict, part: str, name: str, units: dict | None = None):
        self.height, self.params, self.part, self.name = height, params, part, name
        self.units = units or {}
        self.drawn = Drawn()
        self.room = limits.PAGE_OBJECTS.amount  # read once: an environment lookup costs more than an object
        self.deepest = limits.NESTING.amount  # PageBlocks and CompositeObjects inside each other

    def read(self, layers) -> Drawn:
        """Each layer's objects, PageBlocks and CompositeObjects walked without recursion (each
        level with the map from its coordinates onto the page)."""
        for layer in layers:
            stack = [(iter(layer), layer.get("DrawParam"), 0, _IDENTITY)]
            while stack:
                nodes, param, depth, outer = stack[-1]
                node = next(nodes, None)
                if node is None:
                    stack.pop()
                    continue
                kind = local(node.tag)
                if kind not in ("PageBlock", "CompositeObject", "TextObject", "PathObject", "ImageObject") or \
                        node.get("Visible") == "false":
                    continue
                self._count(1)
                if kind in ("PageBlock", "CompositeObject") and depth >= self.deepest:
                    raise limits.NESTING.error("ofd_nested", self.name, part=self.part, depth=self.deepest)
                if kind == "PageBlock":
                    stack.append((iter(node), param, depth + 1, outer))
                elif kind == "CompositeObject":
                    unit = self.units.get((node.get("ResourceID") or "").strip())
                    content = child(unit, "Content") if unit is not None else None
                    if content is not None:
                        stack.append((iter(content), param, depth + 1, self._placement(node, outer)))
                elif kind == "TextObject":
                    self._text(node, outer)
                elif kind == "PathObject":
                    self._path(node, param, outer)
                else:
                    self._image(node, outer)
        return self.drawn

    def _count(self, n: int) -> None:
        self.drawn.counted += n
        if self.drawn.counted > self.room:
            raise limits.PAGE_OBJECTS.error("ofd_page_objects", self.name, part=self.part, count=self.room)

    def _placement(self, node, outer: Affine) -> Affine:
        """The map from the object's coordinates onto the page (mm): its CTM, then to its
        Boundary's origin, then ``outer`` (the composite objects it is drawn in)."""
        ident = node.get("ID", "?")
        found = box(node.get("Boundary"), At("Boundary", self.part, ident), self.name) or (0.0, 0.0, 0.0, 0.0)
        ctm = numbers(node.get("CTM"), At("CTM", self.part, ident), self.name)
        if ctm and len(ctm) != 6:
            raise ReportError("ofd_not_ctm", self.name, attribute="CTM", part=self.part, object=ident)
        a, b, c, d, e, f = ctm if ctm else _IDENTITY
        return _then((a, b, c, d, e + found[0], f + found[1]), outer)

    def _attribute(self, node, param: str | None, key: str) -> str | None:
        """An attribute of the object, else of its DrawParam (and the ones it is Relative to), else
        of the layer's DrawParam ``param``."""
        if node.get(key) is not None:
            return node.get(key)
        for ref in (node.get("DrawParam"), param):
            seen = 0
            while ref and seen < 8:  # Relative chains, bounded
                found = self.params.get(ref.strip())
                if found is None:
                    break
                if found.get(key) is not None:
                    return found.get(key)
                ref, seen = found.get("Relative"), seen + 1
        return None

    def _colour(self, node, param: str | None, key: str):
        """The object's FillColor or StrokeColor element, else its DrawParam's, else the layer's."""
        found = child(node, key)
        if found is not None:
            return found
        for ref in (node.get("DrawParam"), param):
            drawn = self.params.get((ref or "").strip())
            if drawn is not None and child(drawn, key) is not None:
                return child(drawn, key)
        return None

    # --- text ----------------------------------------------------------------------------------
    def _text(self, node, outer: Affine) -> None:
        a, b, c, d, e, f = self._placement(node, outer)
        ident = node.get("ID", "?")
        size = (numbers(node.get("Size"), At("Size", self.part, ident), self.name) or [3.5])[0]
        scale = (numbers(node.get("HScale"), At("HScale", self.part, ident), self.name) or [1.0])[0]
        top, bottom = -ASCENT * size, DESCENT * size
        x = y = 0.0
        chars, flip = self.drawn.chars, self.height
        for code in node:
            if local(code.tag) != "TextCode":
                continue
            self._count(1)
            text = (code.text or "").replace("\r", "").replace("\n", "")
            if not text:
                continue
            if code.get("X") is not None:
                x = numbers(code.get("X"), At("X", self.part, ident), self.name)[0]
            if code.get("Y") is not None:
                y = numbers(code.get("Y"), At("Y", self.part, ident), self.name)[0]
            steps_x = deltas(code.get("DeltaX"), len(text) - 1, At("DeltaX", self.part, ident), self.name)
            steps_y = deltas(code.get("DeltaY"), len(text) - 1, At("DeltaY", self.part, ident), self.name)
            for i, ch in enumerate(text):
                wide = unicodedata.east_asian_width(ch) in "WF"
                glyph = size * scale * (1.0 if wide else 0.5)  # the em (half an em for a narrow character)
                advance = steps_x[i] if i < len(steps_x) and steps_x[i] > 0 else glyph
                # the box is the glyph's, never the pen's step: a TextCode may write a row's cells in one
                # run, its DeltaX jumping over a column gap; a box across the gap would glue two numbers
                width = min(advance, glyph)
                if UNMAPPED.match(ch):
                    self.drawn.bad += 1
                else:
                    # the em box's corners through the CTM, onto the page, in points with y up
                    xs, ys = [], []
                    for px, py in ((x, y + top), (x + width, y + top), (x, y + bottom), (x + width, y + bottom)):
                        xs.append(a * px + c * py + e)
                        ys.append(b * px + d * py + f)
                    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
                    chars.append((x0 * PT_PER_MM, (flip - y1) * PT_PER_MM, x1 * PT_PER_MM, (flip - y0) * PT_PER_MM, ch))
                if i < len(text) - 1:
                    x += steps_x[i] if steps_x else advance
                    y += steps_y[i] if steps_y else 0.0
                else:
                    x += advance  # where a TextCode without X goes on

    # --- rules ---------------------------------------------------------------------------------
    def _path(self, node, param: str | None, outer: Affine) -> None:
        ident = node.get("ID", "?")
        ctm = self._placement(node, outer)
        stroked = (self._attribute(node, param, "Stroke") or "true").strip() != "false"
        filled = (self._attribute(node, param, "Fill") or "false").strip() == "true"
        if not stroked and not filled:
            return
        width = (numbers(self._attribute(node, param, "LineWidth"), At("LineWidth", self.part, ident), self.name)
                 or [0.353])[0]
        width *= math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]))
        data = child(node, "AbbreviatedData")
        subpaths = self._subpaths(data.text if data is not None else "", ctm)
        if filled and not stroked and _light(self._colour(node, param, "FillColor")):
            filled = False  # a white or invisible fill draws no rule
        pad = width / 2 if stroked else 0.0
        for points, sides in subpaths:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            x0, x1 = (min(xs) - pad) * PT_PER_MM, (max(xs) + pad) * PT_PER_MM
            y0, y1 = (self.height - max(ys) - pad) * PT_PER_MM, (self.height - min(ys) + pad) * PT_PER_MM
            if min(x1 - x0, y1 - y0) < THICK:  # a line, or a bar: one rule along its middle
                if stroked or filled:
                    lattice.add_rules(self.drawn.horizontal, self.drawn.vertical, x0, y0, x1, y1, stroked)
            elif stroked:  # a box or a grid: its straight sides that run across or down
                for (px, py), (qx, qy) in sides:
                    dx, dy = abs(qx - px), abs(qy - py)
                    if dy <= LEAN * dx or dx <= LEAN * dy:
                        lattice.add_rules(self.drawn.horizontal, self.drawn.vertical,
                                          (min(px, qx) - pad) * PT_PER_MM, (self.height - max(py, qy) - pad) * PT_PER_MM,
                                          (max(px, qx) + pad) * PT_PER_MM, (self.height - min(py, qy) + pad) * PT_PER_MM,
                                          True)

    def _subpaths(self, data: str, ctm: Affine):
        """(points, straight sides) of each subpath, on the page (mm, y down). A command short of
        its numbers ends the path (a damaged path draws what it has)."""
        a, b, c, d, e, f = ctm
        tokens = _NUMBER.findall(data or "")
        self._count(sum(1 for t in tokens if t.isalpha()))
        arity = {"M": 2, "S": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
        out: list[tuple[list, list]] = []
        points: list[tuple[float, float]] = []
        sides: list = []
        start = here = None
        k = 0
        while k < len(tokens):
            op = tokens[k].upper()
            n = arity.get(op)
            values = tokens[k + 1:k + 1 + (n or 0)]
            if n is None or len(values) < n or any(v.isalpha() for v in values):
                break
            k += 1 + n
            coords = [float(v) for v in values]
            mapped = [(a * coords[i] + c * coords[i + 1] + e, b * coords[i] + d * coords[i + 1] + f)
                      for i in range(0, n - 1, 2)] if op != "A" else [
                (a * coords[5] + c * coords[6] + e, b * coords[5] + d * coords[6] + f)]
            if op in ("M", "S"):
                if points:
                    out.append((points, sides))
                points, sides = [mapped[0]], []
                start = here = mapped[0]
                continue
            if here is None:
                start = here = (e, f)
                points = [here]
            if op == "C":
                if start != here:
                    sides.append((here, start))
                here = start
                continue
            if op == "L":
                sides.append((here, mapped[0]))
            points += mapped
            here = mapped[-1]
        if points:
            out.append((points, sides))
        return out

    # --- images --------------------------------------------------------------------------------
    def _image(self, node, outer: Affine) -> None:
        a, b, c, d, e, f = self._placement(node, outer)
        resource = (node.get("ResourceID") or "").strip()
        if not resource:
            return
        corners = [(a * u + c * v + e, b * u + d * v + f) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        if max(xs) - min(xs) > 0 and max(ys) - min(ys) > 0:
            self.drawn.images.append(Placed(resource, min(xs), min(ys), max(xs), max(ys), a < 0, d < 0))


def _light(colour) -> bool:
    """Whether a CT_Color draws no rule: invisible, white or near white (grey: one value; RGB:
    three; CMYK: four; values in decimal or as #hex). No colour given: black."""
    if colour is None:
        return False
    try:
        alpha = int(colour.get("Alpha", "255"))
        values = [int(v[1:], 16) if v.startswith("#") else float(v)
                  for v in _SEPARATORS.split((colour.get("Value") or "").strip()) if v]
    except ValueError:
        return False
    if len(values) == 1:
        values *= 3
    elif len(values) == 4:  # CMYK, 0-255
        k = values[3]
        values = [255 - min(255.0, v + k) for v in values[:3]]
    if len(values) != 3:
        return alpha == 0
    return lattice.is_light(*values, alpha)
