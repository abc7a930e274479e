# Copyright (c) mmweakseg contributors. All rights reserved.
"""Synthetic weak-tag segmentation data: textured shapes on cluttered
backgrounds, small enough to train on a CPU in minutes.

Each foreground class has its own shape *and* texture, drawn in random
colours. Backgrounds are smooth random colour gradients with noise and thin
lines. Outlines of ellipses and stars are distractors that belong to no
class (background in the masks, never tagged). A ``leash`` (a bar ending in
a small ring, always dark red) is drawn next to most triangles and rarely
alone: a distractor that co-occurs with one class, like people with dogs.

:class:`DemoScene` makes harder variants for stage-1 recipes: smaller
objects, backgrounds textured like photographs (fractal noise), and
*look-alikes* (untagged textured shapes of the classes that are not
targets, e.g. discs and squares in a ring / cross / diamond data set).
"""
import colorsys
import math
import os
import os.path as osp
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image, ImageDraw

from .annotation_file import dump_annotation_file

BACKGROUND = 'background'
BACKGROUND_COLOUR = (0, 0, 0)
SPLIT_CODES = {'train': 0, 'val': 1}
# Probabilities of 0, 1, 2 and 3 objects per image.
NUM_OBJECTS_PROBS = (0.2, 0.35, 0.3, 0.15)
# Object radius range (pixels at size 64, scaled with the image size).
RADIUS_RANGE = (8.0, 16.0)
# An earlier object must keep this share of its area visible.
MIN_VISIBLE_SHARE = 0.5
PLACEMENT_TRIES = 20
MAX_DISTRACTORS = 2
LEASH_CLASS = 'triangle'
LEASH_WITH_CLASS_PROB = 0.85
LEASH_ALONE_PROB = 0.05
LEASH_COLOUR = (150, 35, 30)
# Candidate leash directions, relative to the direction of the image centre.
LEASH_DIRECTIONS = np.linspace(-1.2, 1.2, 7)
BACKGROUNDS = ('gradient', 'textured')
# Spectral slope of the textured background: amplitude ~ 1 / f**slope
# (natural photographs have slopes near 1).
TEXTURED_BACKGROUND_SLOPE = 1.0
# Strength of its colour noise relative to its luminance noise.
TEXTURED_BACKGROUND_CHROMA = 0.4


@dataclass(frozen=True)
class DemoScene:
    """How the scenes of a demo data set are drawn; the defaults give the
    embedded demo.

    Attributes:
        object_scale (float): Factor on the objects' radii
            (:data:`RADIUS_RANGE`); 0.5 gives objects of 4 to 8 pixels'
            radius at size 64. Defaults to 1.0.
        background (str): ``'gradient'`` (a smooth colour gradient with
            noise) or ``'textured'`` (the gradient under fractal noise,
            mostly luminance, with a ``1 / f`` amplitude spectrum, as in
            photographs).
            Defaults to ``'gradient'``.
        max_lookalikes (int): Up to this many untagged look-alikes per
            image (0 to ``max_lookalikes``, uniformly): textured shapes of
            the classes of :data:`DEMO_CLASSES` that are not targets, drawn
            under the objects and labelled background. Defaults to 0.
    """
    object_scale: float = 1.0
    background: str = 'gradient'
    max_lookalikes: int = 0

    def __post_init__(self) -> None:
        if not self.object_scale > 0:
            raise ValueError(f'object_scale={self.object_scale}; expected '
                             'a positive factor')
        if self.background not in BACKGROUNDS:
            raise ValueError(f'background={self.background!r}; expected '
                             f'one of {BACKGROUNDS}')
        if self.max_lookalikes < 0:
            raise ValueError(f'max_lookalikes={self.max_lookalikes}; '
                             'expected a non-negative number')


@dataclass(frozen=True)
class DemoClass:
    """A foreground class of the demo data.

    Attributes:
        name (str): Class name.
        shape (str): Key of :data:`SHAPES`.
        texture (str): Key of :data:`TEXTURES`.
        colour (tuple[int]): Palette colour (for visualization only; the
            objects are drawn in random colours).
    """
    name: str
    shape: str
    texture: str
    colour: Tuple[int, int, int]


# The first three are the default classes; ``multiclass`` uses all.
DEMO_CLASSES = (
    DemoClass('disc', 'disc', 'striped', (230, 60, 60)),
    DemoClass('square', 'square', 'checkered', (60, 170, 230)),
    DemoClass('triangle', 'triangle', 'dotted', (250, 200, 40)),
    DemoClass('ring', 'ring', 'cross-hatched', (120, 220, 90)),
    DemoClass('cross', 'cross', 'wavy', (190, 90, 220)),
    DemoClass('diamond', 'diamond', 'concentric', (240, 140, 40)),
)
NUM_BASE_CLASSES = 3


def demo_classes(
        multiclass: bool = False,
        names: Optional[Sequence[str]] = None) -> Tuple[DemoClass, ...]:
    """The foreground classes: 3 by default, 6 with ``multiclass``, or
    those of :data:`DEMO_CLASSES` named in ``names`` (in that order), e.g.
    ``('ring', 'cross', 'diamond')`` for a variant with other shapes and
    textures than the default's."""
    if names is None:
        return DEMO_CLASSES if multiclass else DEMO_CLASSES[:NUM_BASE_CLASSES]
    if multiclass:
        raise ValueError('give either `multiclass` or class `names`')
    by_name = {demo_class.name: demo_class for demo_class in DEMO_CLASSES}
    unknown = [name for name in names if name not in by_name]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(f'class names {list(names)}: expected distinct '
                         f'names among {list(by_name)}')
    return tuple(by_name[name] for name in names)


# --- shapes: draw a filled shape of "radius" r on a mode-L canvas ---------
Point = Tuple[float, float]
# (start, direction in radians) of a leash.
LeashPlacement = Tuple[Point, float]


def _polygon(centre: Point, radius: float, angle: float,
             unit_points: Sequence[Point]) -> List[Point]:
    """Scale ``unit_points`` by ``radius``, rotate by ``angle`` and move
    them to ``centre``."""
    cos, sin = math.cos(angle), math.sin(angle)
    return [(centre[0] + radius * (x * cos - y * sin),
             centre[1] + radius * (x * sin + y * cos)) for x, y in unit_points]


def _regular_points(num: int, radius: float) -> List[Point]:
    """Vertices of a regular polygon of circumradius ``radius``."""
    return [(radius * math.cos(2 * math.pi * i / num),
             radius * math.sin(2 * math.pi * i / num)) for i in range(num)]


def _ellipse_box(centre: Point, rx: float, ry: float) -> List[float]:
    return [centre[0] - rx, centre[1] - ry, centre[0] + rx, centre[1] + ry]


def _draw_disc(draw: ImageDraw.ImageDraw, centre: Point, radius: float,
               angle: float) -> None:
    draw.ellipse(_ellipse_box(centre, radius, radius), fill=1)


def _draw_ring(draw: ImageDraw.ImageDraw, centre: Point, radius: float,
               angle: float) -> None:
    draw.ellipse(_ellipse_box(centre, 1.05 * radius, 1.05 * radius), fill=1)
    draw.ellipse(_ellipse_box(centre, 0.55 * radius, 0.55 * radius), fill=0)


def _polygon_drawer(unit_points: Sequence[Point]) -> Callable:
    """A shape drawer filling ``unit_points`` scaled by the radius."""

    def draw_polygon(draw: ImageDraw.ImageDraw, centre: Point, radius: float,
                     angle: float) -> None:
        draw.polygon(_polygon(centre, radius, angle, unit_points), fill=1)

    return draw_polygon


# Unit outlines (times the radius) of the polygon shapes.
SQUARE_POINTS = [(0.85, 0.85), (-0.85, 0.85), (-0.85, -0.85), (0.85, -0.85)]
DIAMOND_POINTS = [(1.3, 0), (0, 0.75), (-1.3, 0), (0, -0.75)]
_ARM, _HALF = 1.15, 0.38
CROSS_POINTS = [(_ARM, _HALF), (_HALF, _HALF), (_HALF, _ARM), (-_HALF, _ARM),
                (-_HALF, _HALF), (-_ARM, _HALF), (-_ARM, -_HALF),
                (-_HALF, -_HALF), (-_HALF, -_ARM), (_HALF, -_ARM),
                (_HALF, -_HALF), (_ARM, -_HALF)]
SHAPES: Dict[str, Callable] = dict(
    disc=_draw_disc,
    ring=_draw_ring,
    square=_polygon_drawer(SQUARE_POINTS),
    triangle=_polygon_drawer(_regular_points(3, 1.35)),
    diamond=_polygon_drawer(DIAMOND_POINTS),
    cross=_polygon_drawer(CROSS_POINTS))


# --- textures: boolean pattern over object-aligned coordinates (u, v) ----
def _near_line(coord: np.ndarray, spacing: float,
               half_width: float) -> np.ndarray:
    return np.abs(coord % spacing - spacing / 2) < half_width


def _striped(u: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    return u % (6 * scale) < 3 * scale


def _checkered(u: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    cell = 4 * scale
    return (np.floor(u / cell) + np.floor(v / cell)) % 2 == 0


def _dotted(u: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    spacing = 5 * scale
    du, dv = u % spacing - spacing / 2, v % spacing - spacing / 2
    return du**2 + dv**2 < (1.6 * scale)**2


def _cross_hatched(u: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    return (_near_line(u, 5 * scale, 0.75 * scale)
            | _near_line(v, 5 * scale, 0.75 * scale))


def _wavy(u: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    wave = 1.5 * scale * np.sin(2 * np.pi * u / (8 * scale))
    return (v + wave) % (6 * scale) < 3 * scale


def _concentric(u: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    return np.hypot(u, v) % (5 * scale) < 2.5 * scale


TEXTURES: Dict[str, Callable] = {
    'striped': _striped,
    'checkered': _checkered,
    'dotted': _dotted,
    'cross-hatched': _cross_hatched,
    'wavy': _wavy,
    'concentric': _concentric,
}


@dataclass
class _PlacedObject:
    """An object of the image being generated."""
    label: int
    demo_class: DemoClass
    centre: Point
    radius: float
    angle: float
    mask: np.ndarray  # (H, W) bool, the full shape


def _random_colour(rng: np.random.Generator, value_range: Tuple[float, float],
                   saturation_range: Tuple[float, float]) -> np.ndarray:
    """An RGB colour (float, 0-255) with value and saturation in range."""
    rgb = colorsys.hsv_to_rgb(rng.random(), rng.uniform(*saturation_range),
                              rng.uniform(*value_range))
    return np.array(rgb) * 255


def _rgb_tuple(colour: np.ndarray) -> Tuple[int, int, int]:
    return tuple(int(round(c)) for c in colour)


def _fractal_noise(rng: np.random.Generator, size: int,
                   channels: int) -> np.ndarray:
    """``(size, size, channels)`` noise with zero mean, unit standard
    deviation per channel and an amplitude spectrum falling as
    ``1 / f ** TEXTURED_BACKGROUND_SLOPE``."""
    freq = np.hypot(
        np.fft.fftfreq(size)[:, None],
        np.fft.rfftfreq(size)[None, :])
    freq[0, 0] = np.inf  # no constant term
    white = rng.normal(size=(channels, size, size))
    noise = np.fft.irfft2(
        np.fft.rfft2(white) * freq**-TEXTURED_BACKGROUND_SLOPE,
        s=(size, size)).transpose(1, 2, 0)
    return (noise - noise.mean((0, 1))) / noise.std((0, 1))


def _draw_background(rng: np.random.Generator, size: int, scale: float,
                     scene: DemoScene) -> Image.Image:
    """Smooth bilinear gradient of 4 random corner colours, Gaussian noise
    (under fractal colour noise for ``scene.background == 'textured'``)
    and 2 to 6 thin random lines."""
    corners = np.stack([
        _random_colour(rng, (0.35, 0.85), (0.1, 0.6)) for _ in range(4)
    ]).reshape(2, 2, 3)
    ramp = np.linspace(0.0, 1.0, size)
    wy, wx = ramp[:, None, None], ramp[None, :, None]
    gradient = ((1 - wy) * ((1 - wx) * corners[0, 0] + wx * corners[0, 1]) +
                wy * ((1 - wx) * corners[1, 0] + wx * corners[1, 1]))
    noisy = gradient + rng.normal(0.0, 8.0, gradient.shape)
    if scene.background == 'textured':
        # mostly luminance, some colour, as in photographs
        strength = rng.uniform(25.0, 50.0)
        noisy += strength * (
            _fractal_noise(rng, size, 1) +
            TEXTURED_BACKGROUND_CHROMA * _fractal_noise(rng, size, 3))
    image = Image.fromarray(np.clip(np.rint(noisy), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.integers(2, 7)):
        ends = rng.uniform(0, size, 4).tolist()
        colour = _random_colour(rng, (0.1, 1.0), (0.0, 1.0))
        draw.line(ends, fill=_rgb_tuple(colour), width=max(1, round(scale)))
    return image


def _draw_distractors(draw: ImageDraw.ImageDraw, rng: np.random.Generator,
                      size: int, scale: float) -> List[str]:
    """Draw 0 to 2 plain-coloured ellipse or star outlines.

    Returns:
        list[str]: Names of the distractors drawn.
    """
    names = []
    for _ in range(rng.integers(0, MAX_DISTRACTORS + 1)):
        name = 'ellipse' if rng.random() < 0.5 else 'star'
        centre = tuple(rng.uniform(0.15 * size, 0.85 * size, 2))
        radius = rng.uniform(*RADIUS_RANGE) * scale
        colour = _rgb_tuple(_random_colour(rng, (0.1, 1.0), (0.0, 1.0)))
        width = int(rng.integers(1, 3) * max(1, round(scale)))
        if name == 'ellipse':
            box = _ellipse_box(centre, radius, radius * rng.uniform(0.4, 0.8))
            draw.ellipse(box, outline=colour, width=width)
        else:
            star = [(0.45 + 0.55 * (i % 2 == 0)) * np.array(point)
                    for i, point in enumerate(_regular_points(10, 1.0))]
            points = _polygon(centre, radius, rng.uniform(0, 2 * math.pi),
                              [tuple(point) for point in star])
            draw.polygon(points, outline=colour, width=width)
        names.append(name)
    return names


def _draw_leash(draw: ImageDraw.ImageDraw, start: Point, direction: float,
                length: float, scale: float, fill) -> None:
    """Draw a bar from ``start`` ending in a small ring."""
    end = (start[0] + length * math.cos(direction),
           start[1] + length * math.sin(direction))
    ring_radius = 3 * scale
    ring_centre = (end[0] + ring_radius * math.cos(direction),
                   end[1] + ring_radius * math.sin(direction))
    draw.line([start, end], fill=fill, width=max(1, round(3 * scale)))
    draw.ellipse(
        _ellipse_box(ring_centre, ring_radius, ring_radius),
        outline=fill,
        width=max(1, round(2 * scale)))


def _draw_visible_leash(candidates: Sequence[LeashPlacement],
                        objects: Sequence[_PlacedObject],
                        draw: ImageDraw.ImageDraw, rng: np.random.Generator,
                        size: int, scale: float) -> None:
    """Draw a leash at the candidate ``(start, direction)`` that leaves most
    of it visible (objects are drawn over it later)."""
    length = rng.uniform(10, 16) * scale
    occluded = np.zeros((size, size), dtype=bool)
    for obj in objects:
        occluded |= obj.mask
    best_visible, best = -1, None
    for start, direction in candidates:
        canvas = Image.new('L', (size, size), 0)
        _draw_leash(ImageDraw.Draw(canvas), start, direction, length, scale, 1)
        visible = np.count_nonzero(np.asarray(canvas, dtype=bool) & ~occluded)
        if visible > best_visible:
            best_visible, best = visible, (start, direction)
    _draw_leash(draw, *best, length, scale, _leash_colour(rng))


def _leash_candidates(obj: _PlacedObject, size: int) -> List[LeashPlacement]:
    """Leashes from inside ``obj`` outwards, roughly towards the image
    centre (:data:`LEASH_DIRECTIONS`)."""
    towards_centre = math.atan2(size / 2 - obj.centre[1],
                                size / 2 - obj.centre[0])
    candidates = []
    for offset in LEASH_DIRECTIONS:
        direction = towards_centre + offset
        start = (obj.centre[0] + 0.6 * obj.radius * math.cos(direction),
                 obj.centre[1] + 0.6 * obj.radius * math.sin(direction))
        candidates.append((start, direction))
    return candidates


def _leash_colour(rng: np.random.Generator) -> Tuple[int, int, int]:
    """:data:`LEASH_COLOUR` with a little jitter."""
    return _rgb_tuple(
        np.clip(np.array(LEASH_COLOUR) + rng.uniform(-15, 15, 3), 0, 255))


def _shape_mask(demo_class: DemoClass, size: int, centre: Point,
                radius: float, angle: float) -> np.ndarray:
    """``(size, size)`` bool mask of the shape of ``demo_class``."""
    canvas = Image.new('L', (size, size), 0)
    SHAPES[demo_class.shape](ImageDraw.Draw(canvas), centre, radius, angle)
    return np.asarray(canvas, dtype=bool)


def _place_objects(rng: np.random.Generator, classes: Sequence[DemoClass],
                   size: int, scale: float,
                   object_scale: float) -> List[_PlacedObject]:
    """Sample 0 to 3 objects; a new object (drawn on top) may hide at most
    half of each earlier one, else it is re-placed (and dropped after
    :data:`PLACEMENT_TRIES` tries)."""
    num_objects = rng.choice(len(NUM_OBJECTS_PROBS), p=NUM_OBJECTS_PROBS)
    placed: List[_PlacedObject] = []
    visible: List[np.ndarray] = []
    for _ in range(num_objects):
        label = int(rng.integers(len(classes))) + 1
        demo_class = classes[label - 1]
        radius = rng.uniform(*RADIUS_RANGE) * scale * object_scale
        for _ in range(PLACEMENT_TRIES):
            centre = tuple(rng.uniform(0.6 * radius, size - 0.6 * radius, 2))
            angle = rng.uniform(0, 2 * math.pi)
            mask = _shape_mask(demo_class, size, centre, radius, angle)
            still_visible = [shown & ~mask for shown in visible]
            if all(shown.sum() >= MIN_VISIBLE_SHARE * earlier.mask.sum()
                   for shown, earlier in zip(still_visible, placed)):
                placed.append(
                    _PlacedObject(label, demo_class, centre, radius, angle,
                                  mask))
                visible = still_visible + [mask]
                break
    return placed


def lookalike_classes(classes: Sequence[DemoClass]) -> List[DemoClass]:
    """The classes of :data:`DEMO_CLASSES` that are not in ``classes``,
    which look-alikes are drawn from.

    Raises:
        ValueError: Every class is a target, so there are none.
    """
    others = [c for c in DEMO_CLASSES if c not in classes]
    if not others:
        raise ValueError('look-alikes need classes of DEMO_CLASSES that are '
                         'not targets; all are targets (give fewer '
                         '--classes, or no --lookalikes)')
    return others


def _lookalikes(rng: np.random.Generator, classes: Sequence[DemoClass],
                size: int, scale: float,
                scene: DemoScene) -> List[_PlacedObject]:
    """0 to ``scene.max_lookalikes`` objects of the classes of
    :data:`DEMO_CLASSES` not in ``classes``, anywhere (label 0)."""
    if not scene.max_lookalikes:
        return []
    others = lookalike_classes(classes)
    lookalikes = []
    for _ in range(rng.integers(0, scene.max_lookalikes + 1)):
        demo_class = others[rng.integers(len(others))]
        radius = rng.uniform(*RADIUS_RANGE) * scale * scene.object_scale
        centre = tuple(rng.uniform(0.6 * radius, size - 0.6 * radius, 2))
        angle = rng.uniform(0, 2 * math.pi)
        lookalikes.append(
            _PlacedObject(0, demo_class, centre, radius, angle,
                          _shape_mask(demo_class, size, centre, radius,
                                      angle)))
    return lookalikes


def _textured_object(obj: _PlacedObject, rng: np.random.Generator, size: int,
                     scale: float) -> np.ndarray:
    """``(H, W, 3)`` float texture of ``obj`` in two contrasting random
    colours (valid inside ``obj.mask``)."""
    dark = _random_colour(rng, (0.1, 0.4), (0.3, 1.0))
    light = _random_colour(rng, (0.75, 1.0), (0.2, 0.9))
    if rng.random() < 0.5:
        dark, light = light, dark
    grid_y, grid_x = np.mgrid[0:size, 0:size] + 0.5
    dx, dy = grid_x - obj.centre[0], grid_y - obj.centre[1]
    cos, sin = math.cos(obj.angle), math.sin(obj.angle)
    u, v = dx * cos + dy * sin, -dx * sin + dy * cos
    pattern = TEXTURES[obj.demo_class.texture](u, v, scale)
    return np.where(pattern[..., None], light, dark)


def render_demo_image(rng: np.random.Generator,
                      classes: Sequence[DemoClass],
                      size: int = 64,
                      scene: DemoScene = DemoScene()
                      ) -> Tuple[np.ndarray, np.ndarray, list]:
    """Render one demo image and its label map.

    Args:
        rng (np.random.Generator): Source of randomness.
        classes (Sequence[DemoClass]): Foreground classes; class ``i`` has
            label ``i + 1`` (label 0 is the background).
        size (int): Image side in pixels. Defaults to 64.
        scene (DemoScene): Object size, background and look-alikes.
            Defaults to the demo's.

    Returns:
        tuple: ``(H, W, 3)`` uint8 RGB image, ``(H, W)`` uint8 label map,
        and the names of the distractors drawn (``'ellipse'``, ``'star'``,
        ``'leash'``, and ``'lookalike-<class>'`` per look-alike).
    """
    scale = size / 64
    image = _draw_background(rng, size, scale, scene)
    draw = ImageDraw.Draw(image)
    distractors = _draw_distractors(draw, rng, size, scale)
    objects = _place_objects(rng, classes, size, scale, scene.object_scale)
    leashed = [obj for obj in objects if obj.demo_class.name == LEASH_CLASS]
    for obj in leashed:
        if rng.random() < LEASH_WITH_CLASS_PROB:
            _draw_visible_leash(
                _leash_candidates(obj, size), objects, draw, rng, size, scale)
            distractors.append('leash')
    if not leashed and rng.random() < LEASH_ALONE_PROB:
        candidates = [(tuple(rng.uniform(0.25 * size, 0.75 * size,
                                         2)), rng.uniform(0, 2 * math.pi))
                      for _ in LEASH_DIRECTIONS]
        _draw_visible_leash(candidates, objects, draw, rng, size, scale)
        distractors.append('leash')

    lookalikes = _lookalikes(rng, classes, size, scale, scene)
    distractors += [f'lookalike-{obj.demo_class.name}' for obj in lookalikes]

    pixels = np.asarray(image).astype(np.float64)
    label_map = np.zeros((size, size), dtype=np.uint8)
    for obj in lookalikes + objects:
        texture = _textured_object(obj, rng, size, scale)
        pixels[obj.mask] = texture[obj.mask]
        label_map[obj.mask] = obj.label
    pixels += rng.normal(0.0, 3.0, pixels.shape)
    rgb = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
    return rgb, label_map, distractors


def _entry(split: str, name: str, label_map: np.ndarray,
           class_names: Sequence[str], distractors: List[str]) -> dict:
    """Annotation entry with tags and tag areas taken from the mask."""
    pixels = np.bincount(label_map.ravel(), minlength=len(class_names))
    present = np.flatnonzero(pixels)
    return dict(
        img_path=f'images/{split}/{name}',
        seg_map_path=f'masks/{split}/{name}',
        tags=[class_names[i] for i in present],
        tag_areas={
            class_names[i]: round(float(pixels[i]) / label_map.size, 4)
            for i in present
        },
        distractors=distractors)


def make_demo_dataset(out_dir: str,
                      num_train: int = 1000,
                      num_val: int = 200,
                      size: int = 64,
                      seed: int = 0,
                      multiclass: bool = False,
                      class_names: Optional[Sequence[str]] = None,
                      scene: DemoScene = DemoScene()) -> str:
    """Write the synthetic demo data set in the annotation-file layout.

    .. code-block:: none

        out_dir
        ├── images/{train,val}/00000.png   RGB images
        ├── masks/{train,val}/00000.png    label maps (P mode, index 0 is
        │                                  the background)
        └── annotations/{train,val}.json   tags, tag areas (from the masks)

    Every image has a mask. Each annotation entry also lists the
    ``distractors`` drawn in the image (``'ellipse'``, ``'star'``,
    ``'leash'``, ``'lookalike-<class>'``), which the datasets ignore. Image
    ``i`` of a split depends only on ``(seed, split, i)``, so the same
    arguments give byte-identical files.

    Args:
        out_dir (str): Output folder (created if missing).
        num_train (int): Number of training images. Defaults to 1000.
        num_val (int): Number of validation images. Defaults to 200.
        size (int): Image side in pixels. Defaults to 64.
        seed (int): Random seed. Defaults to 0.
        multiclass (bool): Use 6 foreground classes instead of 3.
            Defaults to False.
        class_names (Sequence[str], optional): The foreground classes by
            name (see :func:`demo_classes`), e.g. a variant with other
            shapes and textures. Defaults to None.
        scene (DemoScene): Object size, background and look-alikes of a
            harder variant. Defaults to the demo's.

    Returns:
        str: The folder holding the annotation files.

    Raises:
        ValueError: ``size`` is below 32 or a number of images is negative.
    """
    if size < 32:
        raise ValueError(f'size={size}; expected at least 32 pixels')
    if num_train < 0 or num_val < 0:
        raise ValueError(f'num_train={num_train}, num_val={num_val}; '
                         'expected non-negative numbers of images')
    classes = demo_classes(multiclass, class_names)
    if scene.max_lookalikes:
        lookalike_classes(classes)  # fails before anything is written
    class_names = [BACKGROUND] + [c.name for c in classes]
    palette = [list(BACKGROUND_COLOUR)] + [list(c.colour) for c in classes]
    flat_palette = [value for colour in palette for value in colour]
    ann_dir = osp.join(out_dir, 'annotations')
    os.makedirs(ann_dir, exist_ok=True)
    for split, num_images in (('train', num_train), ('val', num_val)):
        for folder in ('images', 'masks'):
            os.makedirs(osp.join(out_dir, folder, split), exist_ok=True)
        data_list = []
        for index in range(num_images):
            rng = np.random.default_rng([seed, SPLIT_CODES[split], index])
            rgb, label_map, distractors = render_demo_image(
                rng, classes, size, scene)
            name = f'{index:05d}.png'
            Image.fromarray(rgb).save(
                osp.join(out_dir, 'images', split, name), format='PNG')
            mask = Image.fromarray(label_map)
            mask.putpalette(flat_palette)
            mask.save(osp.join(out_dir, 'masks', split, name), format='PNG')
            data_list.append(
                _entry(split, name, label_map, class_names, distractors))
        dump_annotation_file(
            osp.join(ann_dir, f'{split}.json'),
            class_names,
            data_list,
            background=BACKGROUND,
            palette=palette)
    return ann_dir
