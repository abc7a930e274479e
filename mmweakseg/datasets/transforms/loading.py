# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ..image_io import read_image_as_bgr, read_label_map


@TRANSFORMS.register_module()
class LoadRGBImageFromFile(BaseTransform):
    """Load an image with PIL as a 3-channel uint8 BGR array.

    Unlike mmcv's ``LoadImageFromFile``, every common PIL mode is accepted
    and converted (see :func:`mmweakseg.datasets.image_io.pil_to_bgr`):
    grayscale is replicated, transparency is composited on black, palette
    images are expanded and 16-bit images are scaled to 8 bit. The EXIF
    orientation is applied (as PIL's ``ImageOps.exif_transpose``), so a
    photo is used as it is displayed; :class:`LoadWeakAnnotations` does the
    same for masks, so a mask drawn on the displayed photo stays aligned.
    The result keeps mmcv's BGR order, so mmseg's transforms and
    ``SegDataPreProcessor(bgr_to_rgb=True)`` work unchanged.

    Required Keys:

    - img_path

    Added Keys:

    - img (np.ndarray): ``(H, W, 3)`` uint8 (float32 if ``to_float32``).
    - img_shape (tuple): ``(H, W)``
    - ori_shape (tuple): ``(H, W)``

    Args:
        to_float32 (bool): Whether to convert the image to float32.
            Defaults to False.
        backend_args (dict, optional): Arguments of the mmengine file
            backend. Defaults to None.

    Raises:
        WeakTagDataError: The file is missing, empty, unreadable or corrupt.
    """

    def __init__(self,
                 to_float32: bool = False,
                 backend_args: Optional[dict] = None) -> None:
        self.to_float32 = to_float32
        self.backend_args = backend_args.copy() if backend_args else None

    def transform(self, results: dict) -> dict:
        """Load ``results['img_path']`` into ``results['img']``."""
        img = read_image_as_bgr(results['img_path'], self.backend_args)
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(to_float32={self.to_float32}, '
                f'backend_args={self.backend_args})')


@TRANSFORMS.register_module()
class LoadWeakAnnotations(BaseTransform):
    """Load the ground-truth label map of an image, if it has one.

    Weak-tag datasets give every image its tags (``gt_tags``, already in the
    data info) but masks only for some images. The label map is loaded only
    when ``seg_map_path`` is set (not None); it must be a single-channel PNG
    of class indices with the image's size and values in ``[0, K)`` or 255
    (ignore), where ``K = len(gt_tags)``.

    Required Keys:

    - gt_tags (np.ndarray): ``(K,)`` multi-hot tags, gives K.
    - ori_shape (tuple): ``(H, W)`` of the loaded image.
    - seg_map_path (str, optional)
    - seg_fields (list)

    Added Keys (only when ``seg_map_path`` is set):

    - gt_seg_map (np.ndarray): ``(H, W)`` uint8.
    - seg_fields: ``'gt_seg_map'`` appended.

    Args:
        backend_args (dict, optional): Arguments of the mmengine file
            backend. Defaults to None.

    Raises:
        WeakTagDataError: The mask is unreadable, of another size than the
            image, or holds values that are no class index.
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args.copy() if backend_args else None

    def transform(self, results: dict) -> dict:
        """Load ``results['seg_map_path']`` into ``results['gt_seg_map']``."""
        seg_map_path = results.get('seg_map_path')
        if seg_map_path is None:
            return results
        results['gt_seg_map'] = read_label_map(
            seg_map_path,
            num_classes=len(results['gt_tags']),
            image_shape=results['ori_shape'][:2],
            backend_args=self.backend_args)
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(backend_args={self.backend_args})'
