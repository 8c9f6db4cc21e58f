"""Captions of the ``shapes`` images, and reading the attributes back out of a caption.

A caption names the four categorical readings of an image: its size bin,
colour, shape and position cell, e.g. "a small red star in the top left
corner" or "top left: a little red star". Each image gets one of
:data:`TEMPLATES` and one synonym per word, drawn from a seed, so the
captions of a split are fixed. :func:`parse_captions` finds the readings in
any text that uses these words (a caption of this module, or a prompt
written by hand).
"""

import re

import numpy as np

SIZE_WORDS = (("small", "little", "tiny"), ("medium", "medium-sized", "mid-sized"), ("large", "big", "huge"))
SHAPE_WORDS = (("circle", "disk"), ("square",), ("triangle",), ("star", "five-pointed star"), ("heart",),
               ("cross", "plus sign"))
COLOR_WORDS = (("red",), ("yellow",), ("green",), ("cyan", "turquoise"), ("blue",), ("purple", "violet"))
# The 3x3 cells, row by row from the top left: a cell is ``3 * row + column``.
CELL_NAMES = ("top left", "top", "top right", "left", "center", "right", "bottom left", "bottom", "bottom right")
# Phrases placing the object in each cell, after the noun.
CELL_PHRASES = (
    ("in the top left corner", "at the top left"),
    ("at the top", "at the top center"),
    ("in the top right corner", "at the top right"),
    ("on the left", "at the left side"),
    ("in the center", "in the middle"),
    ("on the right", "at the right side"),
    ("in the bottom left corner", "at the bottom left"),
    ("at the bottom", "at the bottom center"),
    ("in the bottom right corner", "at the bottom right"),
)
TEMPLATES = (
    "a {size} {color} {shape} {where}",
    "{cell}: a {size} {color} {shape}",
    "there is a {size} {color} {shape} {where}",
    "{where}, a {size} {color} {shape}",
    "a {color} {shape}, {size}, {where}",
    "{size} {color} {shape}, {cell}",
)


def captions(attributes, seed):
    """One caption per image of an attribute record.

    Args:
        attributes: a record with ``shape``, ``color``, ``size_bin`` and ``cell``.
        seed: seed of the choice of template and synonyms (one draw per image).

    Returns:
        A list of ``n`` strings.
    """
    count = len(attributes["shape"])
    rng = np.random.default_rng(seed)
    template, size, color, shape, where = (rng.integers(0, 1 << 30, count) for _ in range(5))
    texts = []
    for i in range(count):
        words = dict(size=_choose(SIZE_WORDS[attributes["size_bin"][i]], size[i]),
                     color=_choose(COLOR_WORDS[attributes["color"][i]], color[i]),
                     shape=_choose(SHAPE_WORDS[attributes["shape"][i]], shape[i]),
                     where=_choose(CELL_PHRASES[attributes["cell"][i]], where[i]),
                     cell=CELL_NAMES[attributes["cell"][i]])
        texts.append(_choose(TEMPLATES, template[i]).format(**words))
    return texts


def _choose(options, draw):
    return options[int(draw) % len(options)]


def _word_pattern(groups):
    """A regex finding any of the words, longest first, with the index of its group."""
    words = sorted(((word, index) for index, group in enumerate(groups) for word in group), key=lambda w: -len(w[0]))
    pattern = re.compile(r"\b(" + "|".join(re.escape(word) for word, _ in words) + r")\b")
    return pattern, dict(words)


_PATTERNS = {name: _word_pattern(groups) for name, groups in
             (("size_bin", SIZE_WORDS), ("color", COLOR_WORDS), ("shape", SHAPE_WORDS))}
_ROW_WORDS = {"top": 0, "bottom": 2}
_COLUMN_WORDS = {"left": 0, "right": 2}
_CENTER_WORDS = ("center", "centre", "middle")


def _cell(text):
    """The cell the position words of ``text`` name, or -1 when it names none."""
    tokens = re.findall(r"[a-z]+", text)
    rows = [_ROW_WORDS[t] for t in tokens if t in _ROW_WORDS]
    columns = [_COLUMN_WORDS[t] for t in tokens if t in _COLUMN_WORDS]
    if not rows and not columns and not any(t in _CENTER_WORDS for t in tokens):
        return -1
    return 3 * (rows[0] if rows else 1) + (columns[0] if columns else 1)


def parse_captions(texts):
    """The readings a caption names: shape, colour, size bin and position cell.

    Words are matched whole and case-insensitively (the longest synonym
    first); the cell comes from "top"/"bottom" (row) and "left"/"right"
    (column), either defaulting to the middle, and "center"/"middle" alone
    is the center cell.

    Args:
        texts: an iterable of strings (or bytes, as a ``tf.string`` batch gives them).

    Returns:
        ``{"shape", "color", "size_bin", "cell"}``: int32 arrays ``[n]``, -1
        where the caption does not name that attribute.
    """
    texts = [t.decode() if isinstance(t, bytes) else str(t) for t in texts]
    readings = {name: np.full(len(texts), -1, np.int32) for name in ("shape", "color", "size_bin", "cell")}
    for i, text in enumerate(texts):
        text = text.lower()
        for name, (pattern, index) in _PATTERNS.items():
            found = pattern.search(text)
            if found:
                readings[name][i] = index[found.group(1)]
        readings["cell"][i] = _cell(text)
    return readings
