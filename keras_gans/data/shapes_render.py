"""Drawing the ``shapes`` images: signed distance fields of six shapes, anti-aliased, vectorized.

Every shape is described in its own frame (``u`` right, ``v`` up, upright at
rotation 0) by a signed distance function, negative inside, in units of its
``size``: the radius of the smallest circle about the shape's area centroid
that holds it, so the whole shape lies within ``size`` of ``(x, y)`` and its
pixel centroid is ``(x, y)``. A pixel's coverage is the box-filtered coverage
of a straight edge at that distance, ``clip(0.5 - d_pixels, 0, 1)`` (the
usual signed-distance anti-aliasing), so edges are smooth at 16 and at 256
pixels alike. The object is drawn only in a fixed square window around it, in
chunks of images, with NumPy.

The triangle, square, star and cross have k-fold rotational and mirror
symmetry: a point is folded into the wedge ``[0, pi/k]`` (angle from the
up axis) and its distance is taken to the piece of boundary in that wedge, a
short polyline, which is exact. The heart is a square standing on a corner
with two half-discs on its upper sides (the union of three simple fields).
"""

import math

import numpy as np

SHAPES = ("circle", "square", "triangle", "star", "heart", "cross")
# Rotational symmetry order of each shape: a rotation is read modulo 2 pi / k (k = 0: none, the circle).
SYMMETRY = (0, 4, 3, 5, 1, 4)
COLORS = ("red", "yellow", "green", "cyan", "blue", "purple")
# Saturated and bright (value >= 0.9), six hues about 60 degrees apart: far from each other and from
# every background (saturation <= 0.3, value <= 0.4, see ``BACKGROUND_*``).
COLOR_RGB = np.array([[235, 40, 40], [245, 215, 30], [40, 200, 60], [30, 210, 230], [40, 90, 250],
                      [190, 70, 240]], np.float32) / 255.0
BACKGROUND_SATURATION = (0.0, 0.3)
BACKGROUND_VALUE = (0.08, 0.4)
STAR_INNER_RADIUS = 0.5  # of the outer radius
CROSS_HALF_WIDTH = 0.35  # of the arm's half length, before scaling to a unit circumradius
MAX_SIZE = 0.22  # the largest size (of the image side) the window is made for
_CHUNK_PIXELS = 2**19  # pixels of the images drawn at once (a few MB per buffer)


def _wedge_polylines():
    """The boundary of each folded shape in its wedge, as ``(a, b)`` points (``b`` along the up axis).

    Points run from the up axis (angle 0) to the wedge's other side (angle
    pi / k); the farthest point of each shape is at distance 1.
    """
    def polar(radius, angle):
        return radius * math.sin(angle), radius * math.cos(angle)

    arm = 1.0 / math.hypot(1.0, CROSS_HALF_WIDTH)  # arm half length, so the arm's corner is at distance 1
    width = CROSS_HALF_WIDTH * arm
    return {
        "square": [polar(math.cos(math.pi / 4), 0.0), polar(1.0, math.pi / 4)],  # edge midpoint, corner
        "triangle": [polar(1.0, 0.0), polar(0.5, math.pi / 3)],  # top corner, edge midpoint
        "star": [polar(1.0, 0.0), polar(STAR_INNER_RADIUS, math.pi / 5)],  # tip, inner corner
        "cross": [(0.0, arm), (width, arm), (width, width)],  # arm end, arm corner, inner corner
    }


def _fold(u, v, order):
    """``(a, b)``: the point of the wedge ``[0, pi / order]`` (angle from the up axis) that ``(u, v)`` maps to.

    A point at angle phi from the up axis is past the wedge boundary at angle
    alpha when ``sin(phi - alpha) = u cos(alpha) - v sin(alpha) > 0``; the
    number of boundaries passed says by how many sectors to turn it back (no
    arctangent needed), and the mirror is an absolute value.
    """
    u = np.abs(u)
    sector = 2.0 * math.pi / order
    turns = np.zeros(u.shape, np.int8)
    for boundary in np.arange(sector / 2.0, math.pi, sector):
        turns += (u * math.cos(boundary) - v * math.sin(boundary) > 0)
    if order <= 2:
        return u, v
    cos = np.cos(sector * np.arange(order)).astype(np.float32)[turns]
    sin = np.sin(sector * np.arange(order)).astype(np.float32)[turns]
    return np.abs(u * cos - v * sin), v * cos + u * sin


def _folded_distance(u, v, order, points):
    """Signed distance to a shape with ``order``-fold rotational and mirror symmetry (see the module doc)."""
    a, b = _fold(u, v, order)
    distance, outside = None, None
    for (pa, pb), (qa, qb) in zip(points[:-1], points[1:]):
        ea, eb = qa - pa, qb - pb
        ra, rb = a - pa, b - pb
        t = np.clip((ra * ea + rb * eb) / (ea * ea + eb * eb), 0.0, 1.0)
        segment = np.hypot(ra - t * ea, rb - t * eb)
        # Outside when on the other side of the segment than the centre (cross products of opposite signs),
        # judged by the segment between the rays from the centre through its ends (sin of angle differences).
        away = (ea * rb - eb * ra) * (eb * pa - ea * pb) < 0
        if len(points) > 2:
            away &= (a * pb - b * pa >= 0) & (qa * b - qb * a >= 0)
        distance = segment if distance is None else np.minimum(distance, segment)
        outside = away if outside is None else outside | away
    return np.where(outside, distance, -distance)


def _heart_half_diagonal():
    """The half diagonal ``h`` of the heart's square, which puts its area centroid at height 1.

    The heart is a square of half diagonal ``h`` standing on its bottom corner
    (at height 0) with a disc of radius ``h / sqrt(2)`` on the midpoint of each
    upper side, half of which lies outside. Area: ``2 h^2`` (square) plus two
    half-discs of ``pi h^2 / 4``; the half-discs' centroids lie
    ``4 r / (3 pi)`` beyond the sides, which puts the area centroid at
    ``h (2 + 3 pi / 4 + 1 / 3) / (2 + pi / 2)``. The bottom corner is the
    farthest point from it (the lobes reach 0.95 of that), so setting the
    centroid's height to 1 makes the circumradius 1.
    """
    return (2.0 + math.pi / 2.0) / (2.0 + 3.0 * math.pi / 4.0 + 1.0 / 3.0)


def _heart_distance(u, v):
    h = _heart_half_diagonal()
    b = v + 1.0  # height above the bottom corner
    a = np.abs(u)
    # The square standing on a corner, in coordinates along its sides (half side h / sqrt 2).
    s = (a + (b - h)) / math.sqrt(2.0)
    t = ((b - h) - a) / math.sqrt(2.0)
    qs, qt = np.abs(s) - h / math.sqrt(2.0), np.abs(t) - h / math.sqrt(2.0)
    square = np.hypot(np.maximum(qs, 0.0), np.maximum(qt, 0.0)) + np.minimum(np.maximum(qs, qt), 0.0)
    disc = np.hypot(a - h / 2.0, b - 1.5 * h) - h / math.sqrt(2.0)
    return np.minimum(square, disc)


def shape_distance(shape, u, v):
    """Signed distance (negative inside) of shape id ``shape`` at points ``(u, v)`` of its frame, size 1."""
    name = SHAPES[shape]
    if name == "circle":
        return np.hypot(u, v) - 1.0
    if name == "heart":
        return _heart_distance(u, v)
    return _folded_distance(u, v, SYMMETRY[shape], _wedge_polylines()[name])


def window_size(image_size):
    """Side of the square window the object is drawn in: its widest extent plus an anti-aliasing border."""
    return min(image_size, int(math.ceil(2.0 * MAX_SIZE * image_size)) + 3)


def _coverage(attributes, rows, image_size, shape):
    """``(coverage [n, K, K], top [n], left [n])`` of the objects of ``rows``, all of id ``shape``, in their windows."""
    window = window_size(image_size)
    x, y = attributes["x"][rows] * image_size, attributes["y"][rows] * image_size  # centre, in pixels
    top = np.clip(np.floor(y - window / 2.0).astype(np.int64), 0, image_size - window)
    left = np.clip(np.floor(x - window / 2.0).astype(np.int64), 0, image_size - window)
    grid = np.arange(window, dtype=np.float32) + 0.5
    du = (left[:, None, None] - x[:, None, None]).astype(np.float32) + grid  # [n, 1, K] right of the centre
    dv = (y[:, None, None] - top[:, None, None]).astype(np.float32) - grid[:, None]  # [n, K, 1] above it
    size = (attributes["size"][rows] * image_size).astype(np.float32)[:, None, None]
    rotation = attributes["rotation"][rows]
    cos, sin = np.cos(rotation)[:, None, None] / size, np.sin(rotation)[:, None, None] / size
    # Rotating the image by -rotation brings the shape upright; dividing by size gives its frame.
    u = cos * du + sin * dv
    v = cos * dv - sin * du
    distance = shape_distance(shape, u, v)
    distance *= -size  # now in pixels, positive inside
    distance += 0.5
    return np.clip(distance, 0.0, 1.0, out=distance), top, left


def _gradient(attributes, rows, image_size, out):
    """Writes float32 ``out [n, S, S]``: 0 to 1 along each image's ``gradient_angle``, 0.5 at the centre."""
    angle = attributes["gradient_angle"][rows]
    grid = (np.arange(image_size, dtype=np.float32) + 0.5) / image_size - 0.5
    along_x = (np.cos(angle) / math.sqrt(2.0)).astype(np.float32)[:, None, None] * grid
    along_y = (np.sin(angle) / math.sqrt(2.0)).astype(np.float32)[:, None, None] * grid[:, None]
    np.add(along_x, along_y, out=out)  # [n, S, S] in [-0.5, 0.5]
    out += 0.5


def render(attributes, image_size):
    """Draws the images of an attribute record.

    The background's first colour blends into its second along the direction
    ``gradient_angle`` (equal colours: a plain background); the object's
    colour covers each pixel by the share the signed distance gives.

    Args:
        attributes: a record as :func:`keras_gans.data.shapes.sample_attributes`
            returns (at least ``shape``, ``color``, ``size``, ``x``, ``y``,
            ``rotation``, ``background_colors``, ``gradient_angle``), checked.
        image_size: the side in pixels.

    Returns:
        uint8 ``[n, image_size, image_size, 3]``.
    """
    count = len(attributes["shape"])
    images = np.empty((count, image_size, image_size, 3), np.uint8)
    window = window_size(image_size)
    chunk = max(1, _CHUNK_PIXELS // (image_size * image_size))
    alpha, blend, drawn, scratch = (np.empty((chunk, image_size, image_size), np.float32) for _ in range(4))
    for start in range(0, count, chunk):
        rows = np.arange(start, min(start + chunk, count))
        n = len(rows)
        alpha[:n] = 0.0
        shapes = attributes["shape"][rows]
        for shape in np.unique(shapes):
            members = np.flatnonzero(shapes == shape)
            coverage, top, left = _coverage(attributes, rows[members], image_size, int(shape))
            for member, patch, t, l in zip(members, coverage, top, left):
                alpha[member, t:t + window, l:l + window] = patch
        _gradient(attributes, rows, image_size, blend[:n])
        # In 0..255 with the 0.5 of rounding added, so the cast to uint8 rounds.
        first = 255.0 * attributes["background_colors"][rows, 0] + 0.5  # [n, 3]
        change = 255.0 * (attributes["background_colors"][rows, 1] - attributes["background_colors"][rows, 0])
        colors = 255.0 * COLOR_RGB[attributes["color"][rows]] + 0.5
        for channel in range(3):
            np.multiply(blend[:n], change[:, channel, None, None], out=drawn[:n])
            drawn[:n] += first[:, channel, None, None]
            np.subtract(colors[:, channel, None, None], drawn[:n], out=scratch[:n])
            scratch[:n] *= alpha[:n]
            drawn[:n] += scratch[:n]  # background + alpha * (colour - background)
            images[start:start + n, ..., channel] = drawn[:n]
    return images
