# Copyright (c) mmweakseg contributors. All rights reserved.
"""Segment images with a trained segmentor: mmseg's ``init_model`` /
``inference_model`` for mmweakseg's models (and any mmseg segmentor), with
the label maps saved as palette PNGs.

mmseg's own ``init_model`` cannot build a ``ReconstructionSegmentor`` (it
sets ``model.pretrained``, which the segmentor does not take, and looks up
``model.decode_head``), and its ``inference_model`` decodes with mmcv and
stacks a batch of differently sized images; hence the functions here.
"""
import copy
import os
import os.path as osp
import warnings
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.models import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from PIL import Image

from mmweakseg.datasets import (WeakTagDataError, read_image_as_bgr,
                                save_label_map)
from mmweakseg.utils import IMAGE_SUFFIXES, make_palette
from mmweakseg.visualization import overlay_label_map

ANNOTATION_LOADERS = ('LoadAnnotations', 'LoadWeakAnnotations')
IMAGE_LOADER = 'LoadRGBImageFromFile'


def init_weak_segmentor(config: Union[str, Path, Config],
                        checkpoint: Optional[str] = None,
                        device: str = 'cpu',
                        cfg_options: Optional[dict] = None) -> BaseSegmentor:
    """Build a segmentor from its config for inference.

    Only what inference needs is built: ``train_cfg`` is dropped, and so are
    the ``losses`` of a ``ReconstructionSegmentor`` (its
    ``ImageletClassifierLoss`` would read the stage-1 classifier checkpoint,
    whose weights are not part of the segmentor's). Pretrained
    initialisation (``pretrained``, the backbone's ``init_cfg``) is dropped
    as well: the weights come from ``checkpoint``. A data preprocessor with
    a ``size_divisor`` but no ``test_cfg`` also pads test inputs to that
    multiple, so images of any size down to 1 x 1 go through models whose
    poolings need it, even when the test pipeline does not resize; the
    padding is cropped from the predictions.

    Args:
        config (str | Path | Config): Config file or object; not modified.
        checkpoint (str, optional): Checkpoint to load strictly. Defaults to
            None (random weights).
        device (str): Device of the model, e.g. ``'cpu'`` or ``'cuda:0'``.
            Defaults to 'cpu'.
        cfg_options (dict, optional): Overrides merged into the config.

    Returns:
        BaseSegmentor: The model in eval mode, with ``cfg`` (the config)
        and ``dataset_meta`` (``classes``, ``palette``,
        ``background_index``; saved with the checkpoint by mmengine's
        runner, otherwise made up from the number of classes, with a
        warning).
    """
    if isinstance(config, (str, Path)):
        config = Config.fromfile(str(config))
    elif isinstance(config, Config):
        config = copy.deepcopy(config)
    else:
        raise TypeError('config must be a file name or a Config object, got '
                        f'{type(config).__name__}')
    if cfg_options is not None:
        config.merge_from_dict(cfg_options)
    init_default_scope(config.get('default_scope', 'mmseg'))

    model_cfg = copy.deepcopy(config.model)
    model_cfg.train_cfg = None
    if 'losses' in model_cfg:
        model_cfg.losses = []
    if 'pretrained' in model_cfg:
        model_cfg.pretrained = None
    if isinstance(model_cfg.get('backbone'), dict):
        model_cfg.backbone.init_cfg = None
    preprocessor = model_cfg.get('data_preprocessor')
    if (isinstance(preprocessor, dict) and preprocessor.get('size_divisor')
            and not preprocessor.get('test_cfg')):
        preprocessor.test_cfg = dict(size_divisor=preprocessor.size_divisor)
    model = MODELS.build(model_cfg)

    saved_meta = None
    if checkpoint is not None:
        state = load_checkpoint(
            model, checkpoint, map_location='cpu', strict=True)
        saved_meta = state.get('meta', {}).get('dataset_meta')
    model.dataset_meta = _complete_dataset_meta(saved_meta, model)
    model.cfg = config
    return model.to(device).eval()


def _complete_dataset_meta(saved_meta: Optional[dict],
                           model: BaseSegmentor) -> dict:
    """``classes``, ``palette`` and ``background_index`` of the model's
    classes, from the checkpoint's ``dataset_meta`` when it has them."""
    num_classes = model.num_classes
    meta = dict(saved_meta or {})
    if 'classes' not in meta:
        warnings.warn('no dataset_meta with the class names (no checkpoint, '
                      "or one not saved by mmengine's runner); calling the "
                      f'{num_classes} classes class_<i>')
        meta['classes'] = tuple(f'class_{i}' for i in range(num_classes))
    if len(meta['classes']) != num_classes:
        raise ValueError(
            f'the checkpoint names {len(meta["classes"])} classes '
            f'{tuple(meta["classes"])} but the model predicts {num_classes}; '
            'expected the checkpoint of this config')
    meta.setdefault('background_index', getattr(model, 'background_index', 0))
    if not meta.get('palette'):
        meta['palette'] = make_palette(num_classes, meta['background_index'])
    return meta


def build_inference_pipeline(cfg: Config) -> Compose:
    """The config's ``test_pipeline`` for images without annotations.

    Annotation loaders (``LoadAnnotations``, ``LoadWeakAnnotations``) are
    removed and mmcv's ``LoadImageFromFile`` is replaced by
    ``LoadRGBImageFromFile``, so grayscale, RGBA, palette and 16-bit images
    load as 3-channel uint8. Resizing in the pipeline is kept: the model
    sees images at the test scale, and predictions are resized back to the
    original size by the segmentor's ``postprocess_result``.

    Args:
        cfg (Config): A config with a ``test_pipeline``.

    Returns:
        Compose: Maps ``dict(img_path=...)`` to ``inputs`` and
        ``data_samples``.
    """
    if not cfg.get('test_pipeline'):
        raise ValueError('the config has no test_pipeline; expected a list of '
                         'transforms starting with LoadRGBImageFromFile')
    transforms = []
    for transform in copy.deepcopy(cfg.test_pipeline):
        if transform['type'] in ANNOTATION_LOADERS:
            continue
        if transform['type'] == 'LoadImageFromFile':
            transform = dict(
                type=IMAGE_LOADER, backend_args=transform.get('backend_args'))
        transforms.append(transform)
    if not transforms or transforms[0]['type'] != IMAGE_LOADER:
        raise ValueError(
            'test_pipeline must start with LoadRGBImageFromFile or '
            f'LoadImageFromFile, got {cfg.test_pipeline[0]["type"]!r}')
    return Compose(transforms)


def predict_images(model: BaseSegmentor,
                   image_paths: Sequence[str],
                   batch_size: int = 8) -> Iterator[SegDataSample]:
    """Segment image files through the config's test pipeline.

    Consecutive images with the same input size after the pipeline are
    batched (up to ``batch_size``); a change of size starts a new batch, as
    the data preprocessor stacks a test batch without padding.

    Args:
        model (BaseSegmentor): A model from :func:`init_weak_segmentor`.
        image_paths (Sequence[str]): Image files, in any PIL-readable mode
            and of any size.
        batch_size (int): Most images per forward pass. Defaults to 8.

    Yields:
        SegDataSample: One per path, in order, with ``seg_logits`` (K, H, W)
        and ``pred_sem_seg`` (1, H, W) at the image's original size ``(H,
        W)`` and ``img_path`` in its meta information.

    Raises:
        WeakTagDataError: An image is missing, empty or cannot be decoded;
            the message names the file.
    """
    if batch_size < 1:
        raise ValueError(f'batch_size must be at least 1, got {batch_size}')
    pipeline = build_inference_pipeline(model.cfg)
    batch: List[dict] = []
    for image_path in image_paths:
        item = pipeline(dict(img_path=image_path))
        if batch and (len(batch) == batch_size
                      or item['inputs'].shape != batch[0]['inputs'].shape):
            yield from _predict_batch(model, batch)
            batch = []
        batch.append(item)
    if batch:
        yield from _predict_batch(model, batch)


@torch.no_grad()
def _predict_batch(model: BaseSegmentor,
                   items: List[dict]) -> List[SegDataSample]:
    """Run ``model.test_step`` on pipeline outputs of the same size."""
    return model.test_step(
        dict(
            inputs=[item['inputs'] for item in items],
            data_samples=[item['data_samples'] for item in items]))


def find_images(input_dir: str,
                suffixes: Sequence[str] = IMAGE_SUFFIXES) -> List[str]:
    """Image files under ``input_dir``, recursively, sorted.

    Hidden files and folders (names starting with ``.``) are skipped;
    suffixes are matched case-insensitively.

    Args:
        input_dir (str): Folder to scan.
        suffixes (Sequence[str]): Image file suffixes. Defaults to
            ``IMAGE_SUFFIXES`` (JPEG, PNG, BMP, WebP, TIFF).

    Returns:
        list[str]: Paths joined to ``input_dir``.
    """
    if not osp.isdir(input_dir):
        raise FileNotFoundError(
            f'{input_dir}: no such folder; expected a folder of images')
    suffixes = tuple(suffix.lower() for suffix in suffixes)
    image_paths = []
    for folder, sub_folders, file_names in os.walk(input_dir):
        sub_folders[:] = [
            name for name in sub_folders if not name.startswith('.')
        ]
        image_paths.extend(
            osp.join(folder, name) for name in file_names
            if not name.startswith('.')
            and osp.splitext(name)[1].lower() in suffixes)
    if not image_paths:
        raise FileNotFoundError(
            f'{input_dir}: no image files found (suffixes {suffixes})')
    return sorted(image_paths)


def check_images(image_paths: Sequence[str],
                 skip_bad: bool = False) -> Tuple[List[int], List[str]]:
    """Decode every image before any output is written.

    Args:
        image_paths (Sequence[str]): Image files.
        skip_bad (bool): Return the readable images only instead of
            raising when some cannot be read. Defaults to False.

    Returns:
        tuple[list[int], list[str]]: Indices in ``image_paths`` of the
        readable images, and one message per unreadable one (naming it).

    Raises:
        WeakTagDataError: Without ``skip_bad``, when any image cannot be
            read (missing, empty, corrupt, ...); the message lists every
            such file and says that nothing was written.
    """
    readable, problems = [], []
    for index, image_path in enumerate(image_paths):
        try:
            read_image_as_bgr(image_path)
        except WeakTagDataError as error:
            problems.append(str(error))
        else:
            readable.append(index)
    if problems and not skip_bad:
        raise WeakTagDataError(
            f'{len(problems)} of {len(image_paths)} image(s) cannot be read; '
            'nothing was written (fix or remove them, or pass --skip-bad to '
            'process the others):\n' + format_problems(problems))
    if not readable:
        raise WeakTagDataError(
            f'none of the {len(image_paths)} image(s) can be read; nothing '
            'was written:\n' + format_problems(problems))
    return readable, problems


def format_problems(problems: Sequence[str]) -> str:
    """One indented line per problem message."""
    return '\n'.join(f'  - {problem}' for problem in problems)


def format_skipped(problems: Sequence[str]) -> str:
    """The count and list of the images :func:`check_images` skipped."""
    return (f'skipped {len(problems)} unreadable image(s):\n' +
            format_problems(problems))


def label_map_names(image_paths: Sequence[str],
                    root: Optional[str] = None) -> List[str]:
    """Relative ``.png`` names of the label maps of ``image_paths``.

    Each name is the image's path relative to ``root`` with its suffix
    replaced by ``.png`` (``root/a/b.jpg`` -> ``a/b.png``), so sub-folders
    are kept and images of the same name in different folders do not clash.

    Args:
        image_paths (Sequence[str]): Image files.
        root (str, optional): Folder the names are relative to. Defaults to
            None: the deepest folder holding all images.

    Returns:
        list[str]: One name per image.

    Raises:
        ValueError: Two images map to the same name (e.g. ``a.jpg`` and
            ``a.png`` in one folder).
    """
    absolute_paths = [osp.abspath(path) for path in image_paths]
    if root is None:
        root = osp.commonpath([osp.dirname(path) for path in absolute_paths])
    names = [
        osp.splitext(osp.relpath(path, osp.abspath(root)))[0] + '.png'
        for path in absolute_paths
    ]
    first_image = {}
    for image_path, name in zip(image_paths, names):
        if name in first_image:
            raise ValueError(
                f'images {first_image[name]!r} and {image_path!r} would both '
                f'be saved as {name!r}; expected distinct file names apart '
                'from the suffix')
        first_image[name] = image_path
    return names


def segment_folder(model: BaseSegmentor,
                   input_dir: str,
                   out_dir: str,
                   overlay: bool = False,
                   opacity: float = 0.5,
                   batch_size: int = 8,
                   image_paths: Optional[Sequence[str]] = None) -> List[str]:
    """Segment every image under ``input_dir`` and save the label maps.

    For ``input_dir/<name>.<suffix>`` (any sub-folder depth) this writes
    ``out_dir/masks/<name>.png`` (palette PNG of class indices at the
    image's size, see :func:`save_label_map`; usable as pseudo-labels) and,
    with ``overlay``, ``out_dir/overlays/<name>.png`` (the image with the
    foreground classes coloured, see
    :func:`mmweakseg.visualization.overlay_label_map`).

    Args:
        model (BaseSegmentor): A model from :func:`init_weak_segmentor`.
        input_dir (str): Folder scanned by :func:`find_images`.
        out_dir (str): Output folder.
        overlay (bool): Also write overlays. Defaults to False.
        opacity (float): Opacity of the overlay colours. Defaults to 0.5.
        batch_size (int): See :func:`predict_images`. Defaults to 8.
        image_paths (Sequence[str], optional): The images under
            ``input_dir`` to segment, e.g. the readable ones found by
            :func:`check_images` with ``skip_bad``. Defaults to None: every
            image :func:`find_images` finds, all decoded first
            (:func:`check_images`) so that an unreadable one stops the
            command before any output is written.

    Returns:
        list[str]: The written label map files.
    """
    if image_paths is None:
        image_paths = find_images(input_dir)
        check_images(image_paths)
    names = label_map_names(image_paths, root=input_dir)
    palette = model.dataset_meta['palette']
    mask_paths = []
    for image_path, name, data_sample in zip(
            image_paths, names, predict_images(model, image_paths,
                                               batch_size)):
        label_map = data_sample.pred_sem_seg.data[0].cpu().numpy()
        mask_path = osp.join(out_dir, 'masks', name)
        save_label_map(label_map, mask_path, palette)
        mask_paths.append(mask_path)
        if overlay:
            rgb = read_image_as_bgr(image_path)[..., ::-1]
            blended = overlay_label_map(
                np.ascontiguousarray(rgb), label_map, palette,
                model.dataset_meta['background_index'], opacity)
            overlay_path = osp.join(out_dir, 'overlays', name)
            os.makedirs(osp.dirname(overlay_path), exist_ok=True)
            Image.fromarray(blended).save(overlay_path)
    return mask_paths
