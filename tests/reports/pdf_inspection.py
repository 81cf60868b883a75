"""Looking inside WeasyPrint's layout, for tests of the printed documents: which font each run of a heading
was set in (the font file's own family name, read from its `name` table through HarfBuzz), where an element
lies (on which page) and how full each page is."""
from __future__ import annotations

import re
import struct

from weasyprint.text.ffi import ffi, harfbuzz, pango

KHMER = re.compile("[\u1780-\u17ff]")


def boxes(box, ancestors=()):
    """Every box under `box`, with its ancestors."""
    yield box, ancestors
    for child in getattr(box, "children", None) or []:
        yield from boxes(child, (*ancestors, box))


def _classes(box) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def within(ancestors, class_name: str) -> bool:
    return any(class_name in _classes(a) for a in ancestors)


def family_of(pango_font) -> str:
    """The family name recorded in the font file Pango used (name ID 1)."""
    face = harfbuzz.hb_font_get_face(pango.pango_font_get_hb_font(pango_font))
    blob = harfbuzz.hb_face_reference_table(face, int.from_bytes(b"name", "big"))
    length = ffi.new("unsigned int *")
    data = bytes(ffi.buffer(harfbuzz.hb_blob_get_data(blob, length), length[0]))
    harfbuzz.hb_blob_destroy(blob)
    _, count, offset = struct.unpack(">HHH", data[:6])
    for n in range(count):
        platform, _, _, name_id, size, at = struct.unpack(">6H", data[6 + 12 * n: 18 + 12 * n])
        if name_id == 1:
            raw = data[offset + at: offset + at + size]
            return raw.decode("utf-16-be") if platform in (0, 3) else raw.decode("latin-1")
    return ""


def runs_of(text_box) -> list[tuple[str, str]]:
    """(text, font family) of each run of a laid-out text box."""
    layout = text_box.pango_layout
    layout.reactivate(text_box.style)
    try:
        line, _ = layout.get_first_line()
        encoded = layout.text.encode()
        runs, node = [], line.runs
        while node != ffi.NULL:
            run = ffi.cast("PangoGlyphItem *", node.data)
            item = run.item
            text = encoded[item.offset: item.offset + item.length].decode()
            runs.append((text, family_of(item.analysis.font)))
            node = node.next
        return runs
    finally:
        layout.deactivate()


def khmer_runs_in(document, class_name: str) -> list[tuple[int, str, str]]:
    """(page number, text, family) of every run holding Khmer letters inside elements of `class_name`."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        for box, ancestors in boxes(page._page_box):
            if type(box).__name__ == "TextBox" and within((*ancestors, box), class_name):
                found += [(number, text, family) for text, family in runs_of(box) if KHMER.search(text)]
    return found


def pages_holding(document, testid: str) -> list[int]:
    """The pages (1-based) on which the element with data-testid=`testid` lies."""
    pages = []
    for number, page in enumerate(document.pages, start=1):
        for box, _ in boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and element.get("data-testid") == testid:
                pages.append(number)
                break
    return pages


def fullness(document) -> list[float]:
    """How much of each page's content area (top to bottom) is used, from 0 to 1."""
    shares = []
    for page in document.pages:
        page_box = page._page_box
        top, height = page_box.content_box_y(), page_box.height
        bottom = top
        for box, ancestors in boxes(page_box):
            if type(box).__name__ in ("MarginBox",) or any(type(a).__name__ == "MarginBox" for a in ancestors):
                continue
            if type(box).__name__ in ("LineBox", "TableRowBox", "BlockReplacedBox", "InlineReplacedBox"):
                bottom = max(bottom, box.position_y + box.margin_height())
        shares.append((bottom - top) / height)
    return shares
