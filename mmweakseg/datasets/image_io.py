# Copyright (c) mmweakseg contributors. All rights reserved.
"""Decoding of images and label maps shared by the loading transforms and
the dataset checker, and the writing of label maps.

Both apply the EXIF orientation of a file (as PIL's
``ImageOps.exif_transpose``), so an image and its mask are used as image
viewers display them, e.g. a phone photo taken in portrait mode."""
import io
import os
import os.path as osp
from typing import Optional, Sequence, Tuple

import mmengine.fileio as fileio
import numpy as np
from PIL import Image, ImageOps

from .errors import WeakTagDataError

IGNORE_INDEX = 255
MAX_PNG_CLASSES = 256  # class indices a palette PNG holds
SIXTEEN_BIT_MODES = ('I;16', 'I;16L', 'I;16B', 'I;16N', 'I')
ALPHA_MODES = ('RGBA', 'RGBa', 'LA', 'La', 'PA')
DECODE_ERRORS = (OSError, SyntaxError, ValueError,
                 Image.DecompressionBombError)
# Formats that store a label map exactly; JPEG and the like shift values at
# edges, which turns class indices into other classes.
LOSSLESS_MASK_FORMATS = ('PNG', 'BMP', 'TIFF', 'GIF', 'PPM')
EXIF_ORIENTATION_TAG = 0x0112


def _read_bytes(path: str,
                what: str,
                backend_args: Optional[dict] = None) -> bytes:
    """Read a whole file, raising :class:`WeakTagDataError` naming it."""
    try:
        data = fileio.get(path, backend_args=backend_args)
    except (OSError, ValueError) as error:
        raise WeakTagDataError(
            f'{path}: cannot read {what} file ({error}); expected an '
            f'existing, readable file') from error
    if len(data) == 0:
        raise WeakTagDataError(
            f'{path}: {what} file is empty (0 bytes); expected an encoded '
            f'image')
    return data


def _open_image(data: bytes, path: str, what: str) -> Image.Image:
    """Decode ``data`` fully with PIL (truncated files fail here)."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except DECODE_ERRORS as error:
        raise WeakTagDataError(
            f'{path}: cannot decode {what} ({type(error).__name__}: '
            f'{error}); expected a valid PNG/JPEG/BMP/WebP file') from error
    return image


def exif_orientation(image: Image.Image) -> int:
    """The EXIF orientation of a decoded image: 1 (or no tag) means stored
    as displayed; 2-8 mean flipped and/or rotated."""
    try:
        return int(image.getexif().get(EXIF_ORIENTATION_TAG, 1))
    except DECODE_ERRORS:  # unreadable EXIF block: use the pixels as stored
        return 1


def _as_displayed(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation (PIL's ``ImageOps.exif_transpose``)."""
    if exif_orientation(image) in (0, 1):
        return image
    return ImageOps.exif_transpose(image)


def pil_to_bgr(image: Image.Image) -> np.ndarray:
    """Convert a PIL image of any common mode to a BGR array.

    - grayscale (``L``, ``1``) is replicated to three channels;
    - images with transparency (``RGBA``, ``LA``, palette images with a
      transparent colour, ...) are composited on black, i.e. each colour is
      multiplied by ``alpha / 255``, so hidden pixels do not leak their
      stored colours;
    - palette images (``P``) are expanded through their palette;
    - 16-bit images (``I;16*``, and ``I`` holding 16-bit values) are mapped
      from ``[0, 65535]`` to ``[0, 255]`` (values outside are clipped);
    - any other mode (``CMYK``, ``YCbCr``, ``F``, ...) goes through PIL's
      ``convert('RGB')``.

    Args:
        image (PIL.Image.Image): A decoded image.

    Returns:
        np.ndarray: ``(H, W, 3)`` uint8 array in BGR channel order, like
        mmcv's ``LoadImageFromFile``.
    """
    if image.mode in SIXTEEN_BIT_MODES:
        values = np.asarray(image).astype(np.float64)
        gray = np.rint(np.clip(values, 0, 65535) / 257.0).astype(np.uint8)
        rgb = np.repeat(gray[..., None], 3, axis=2)
    elif image.mode in ALPHA_MODES or 'transparency' in image.info:
        rgba = np.asarray(image.convert('RGBA')).astype(np.uint16)
        alpha = rgba[..., 3:]
        rgb = ((rgba[..., :3] * alpha + 127) // 255).astype(np.uint8)
    else:
        rgb = np.asarray(image.convert('RGB'))
    return np.ascontiguousarray(rgb[..., ::-1])


def decode_image(path: str,
                 backend_args: Optional[dict] = None
                 ) -> Tuple[np.ndarray, int]:
    """Read and fully decode an image file with PIL, as displayed.

    Args:
        path (str): Image file path.
        backend_args (dict, optional): Arguments of the mmengine file
            backend. Defaults to None.

    Returns:
        tuple[np.ndarray, int]: The ``(H, W, 3)`` uint8 BGR array (see
        :func:`pil_to_bgr`) with the EXIF orientation applied, and that
        orientation (1: none).

    Raises:
        WeakTagDataError: The file is missing, empty, unreadable or corrupt.
    """
    data = _read_bytes(path, 'image', backend_args)
    with _open_image(data, path, 'image') as image:
        orientation = exif_orientation(image)
        return pil_to_bgr(_as_displayed(image)), orientation


def read_image_as_bgr(path: str,
                      backend_args: Optional[dict] = None) -> np.ndarray:
    """Read and fully decode an image file with PIL, as displayed (EXIF
    orientation applied).

    Args:
        path (str): Image file path.
        backend_args (dict, optional): Arguments of the mmengine file
            backend. Defaults to None.

    Returns:
        np.ndarray: ``(H, W, 3)`` uint8 BGR array (see :func:`pil_to_bgr`).

    Raises:
        WeakTagDataError: The file is missing, empty, unreadable or corrupt.
    """
    return decode_image(path, backend_args)[0]


def read_label_map(path: str,
                   num_classes: int,
                   image_shape: Optional[Tuple[int, int]] = None,
                   backend_args: Optional[dict] = None) -> np.ndarray:
    """Read a label map (PNG of class indices) and validate it.

    An EXIF orientation of the mask file is applied, as for images.

    Args:
        path (str): Label map file path.
        num_classes (int): Number of classes K; valid values are
            ``[0, K)`` and ``255`` (ignore).
        image_shape (tuple[int, int], optional): ``(H, W)`` of the image the
            map belongs to; the map must have the same size. Defaults to
            None (not checked).
        backend_args (dict, optional): Arguments of the mmengine file
            backend. Defaults to None.

    Returns:
        np.ndarray: ``(H, W)`` uint8 label map.

    Raises:
        WeakTagDataError: The file is unreadable, stored in a lossy
            format (JPEG, ...), not single-channel, of another size than
            the image, or holds values that are no class index.
    """
    data = _read_bytes(path, 'mask', backend_args)
    with _open_image(data, path, 'mask') as image:
        if image.format not in LOSSLESS_MASK_FORMATS:
            raise WeakTagDataError(
                f'{path}: mask is stored as {image.format}, a lossy format '
                'that shifts class indices at edges; expected a PNG (or '
                f'another lossless format: {list(LOSSLESS_MASK_FORMATS)})')
        if image.mode not in ('L', 'P', '1') + SIXTEEN_BIT_MODES:
            raise WeakTagDataError(
                f'{path}: mask has mode {image.mode!r}; expected a '
                f'single-channel (L or P mode) PNG of class indices')
        label_map = np.asarray(_as_displayed(image)).astype(np.int64)
    if image_shape is not None and label_map.shape != tuple(image_shape):
        raise WeakTagDataError(
            f'{path}: mask size (H, W) = {label_map.shape} differs from the '
            f'image size {tuple(image_shape)}; expected the same size')
    values = np.unique(label_map)
    bad = values[(values >= num_classes) & (values != IGNORE_INDEX)
                 | (values < 0)]
    if bad.size > 0:
        raise WeakTagDataError(
            f'{path}: mask holds values {bad[:10].tolist()} that are no class '
            f'index; expected values in [0, {num_classes}) or '
            f'{IGNORE_INDEX} (ignore)')
    return label_map.astype(np.uint8)


def save_label_map(label_map: np.ndarray, path: str,
                   palette: Sequence[Sequence[int]]) -> None:
    """Write a label map as a palette (``P`` mode) PNG.

    The pixel values are the class indices (what
    :func:`read_label_map` reads back), 255 where a
    pseudo-label is ignored; the palette colours them in image viewers
    (it is padded to 256 colours, ignored pixels white, so that PIL keeps
    8 bits per pixel).

    Args:
        label_map (np.ndarray): Class indices ``(H, W)`` in ``[0, 256)``.
        path (str): Output file; missing folders are created.
        palette (Sequence[Sequence[int]]): ``[R, G, B]`` per class, at most
            256.
    """
    if label_map.ndim != 2:
        raise ValueError(
            f'expected a label map of shape (H, W), got {label_map.shape}')
    if len(palette) > MAX_PNG_CLASSES:
        raise ValueError(f'a palette PNG holds at most {MAX_PNG_CLASSES} '
                         f'colours, got a palette of {len(palette)}')
    if label_map.min() < 0 or label_map.max() >= MAX_PNG_CLASSES:
        raise ValueError(
            f'a palette PNG holds class indices in [0, {MAX_PNG_CLASSES}), '
            f'got values in [{label_map.min()}, {label_map.max()}]')
    image = Image.fromarray(label_map.astype(np.uint8))
    colours = [list(map(int, colour)) for colour in palette]
    colours += [[255, 255, 255]] * (MAX_PNG_CLASSES - len(colours))
    image.putpalette([channel for colour in colours for channel in colour])
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    image.save(path)
