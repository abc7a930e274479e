# Copyright (c) mmweakseg contributors. All rights reserved.
"""Run a model's decomposition on dataset samples and draw the paper's
figures (library side of ``tools/analysis_tools/draw_figures.py``, also used
by :class:`DecompositionVisualizationHook`)."""
import os
import os.path as osp
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import zip_longest
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.logging import print_log
from PIL import Image
from torch import nn
from torch.utils.data import Dataset

from .decomposition import draw_decomposition
from .denormalize import ImageDenormalizer
from .grid import draw_mask_grid, tag_presence

@dataclass
class SampleDecomposition:
    """A model's decomposition of one image, in the normalized space.

    Attributes:
        inputs (np.ndarray): Normalized input ``(3, H, W)``.
        masks (np.ndarray): Mask-lets ``(K, H, W)``, softmax over ``K``.
        imagelets (np.ndarray): Image-lets ``(K, 3, H, W)``.
    """
    inputs: np.ndarray
    masks: np.ndarray
    imagelets: np.ndarray


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Put ``model`` in eval mode and restore its previous mode on exit."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


@torch.no_grad()
def decompose_sample(model: nn.Module, sample: dict) -> SampleDecomposition:
    """Preprocess one sample and run ``model.decompose`` on it.

    Args:
        model (nn.Module): A model with ``data_preprocessor`` and
            ``decompose(inputs) -> dict(masks, imagelets, ...)``, e.g.
            ``ReconstructionSegmentor`` (not wrapped by DDP).
        sample (dict): One item as a dataset returns it:
            ``dict(inputs=uint8 Tensor (3, H, W), data_samples=...)``.

    Returns:
        SampleDecomposition: The outputs cropped to the sample's
        ``img_shape`` (dropping the preprocessor's padding, if any).
    """
    data = model.data_preprocessor(
        dict(inputs=[sample['inputs']], data_samples=[sample['data_samples']]),
        False)
    inputs = data['inputs']
    outputs = model.decompose(inputs)
    height, width = sample['data_samples'].metainfo.get(
        'img_shape', inputs.shape[-2:])[:2]
    return SampleDecomposition(
        inputs=inputs[0, :, :height, :width].cpu().numpy(),
        masks=outputs['masks'][0, :, :height, :width].cpu().numpy(),
        imagelets=outputs['imagelets'][0, ..., :height, :width].cpu().numpy())


def sample_by_presence(present: np.ndarray, num: int,
                       seed: int) -> Tuple[List[int], List[int]]:
    """Draw up to ``num`` tag-present and ``num`` tag-absent indices at
    random.

    Args:
        present (np.ndarray): Boolean ``(N,)``, see :func:`tag_presence`.
        num (int): Images wanted from each group; a smaller group is taken
            whole.
        seed (int): Seed of the random generator.

    Returns:
        tuple[list[int], list[int]]: Present and absent dataset indices in
        drawing order.
    """
    rng = np.random.default_rng(seed)
    groups = []
    for candidates in (np.flatnonzero(present), np.flatnonzero(~present)):
        chosen = rng.choice(candidates, min(num, len(candidates)), False)
        groups.append(chosen.tolist())
    return groups[0], groups[1]


def _class_index(class_names: Sequence[str],
                 class_name: Optional[str]) -> Optional[int]:
    if class_name is None:
        return None
    if class_name not in class_names:
        raise ValueError(f'class {class_name!r} is not in the dataset '
                         f'classes {tuple(class_names)}')
    return list(class_names).index(class_name)


def _save_png(image: np.ndarray, path: str) -> str:
    Image.fromarray(image).save(path)
    return path


def draw_dataset_figures(model: nn.Module,
                         dataset: Dataset,
                         out_dir: str,
                         split: str = 'val',
                         num: int = 50,
                         class_name: Optional[str] = None,
                         num_decompositions: int = 0,
                         seed: int = 0,
                         tile_size: int = 112,
                         alpha: float = 0.5) -> List[str]:
    """Draw Figures 2/3 of the paper and per-image decompositions.

    Samples ``num`` tag-present and ``num`` tag-absent images of ``dataset``
    (tags from ``get_data_info(i)['gt_tags']``), runs ``model.decompose`` on
    each and writes ``grid_<split>.png`` (:func:`draw_mask_grid` with the
    arg-max masks) and ``decomposition_<split>_<i>.png`` for ``i <
    num_decompositions``, taking present and absent images alternately.

    Args:
        model (nn.Module): See :func:`decompose_sample`; needs
            ``num_classes`` and ``background_index``.
        dataset (Dataset): An mmengine-style dataset with ``metainfo``
            (``classes``, ``palette``) and ``get_data_info``.
        out_dir (str): Output directory, created if missing.
        split (str): Name used in the file names. Defaults to 'val'.
        num (int): Images per group. Defaults to 50 (as in the paper).
        class_name (str, optional): Group by this class's tag. Defaults to
            None: any foreground tag versus none.
        num_decompositions (int): Decomposition figures to draw.
        seed (int): Sampling seed. Defaults to 0.
        tile_size (int): Side of each square in the grid. Defaults to 112.
        alpha (float): Mask opacity. Defaults to 0.5.

    Returns:
        list[str]: Paths of the written PNG files, grid first.
    """
    class_names = dataset.metainfo['classes']
    palette = dataset.metainfo['palette']
    if len(class_names) != model.num_classes:
        raise ValueError(f'the dataset has {len(class_names)} classes but '
                         f'the model {model.num_classes}')
    background_index = model.background_index
    class_index = _class_index(class_names, class_name)
    gt_tags = np.stack(
        [dataset.get_data_info(i)['gt_tags'] for i in range(len(dataset))])
    present = tag_presence(gt_tags, background_index, class_index)
    present_ids, absent_ids = sample_by_presence(present, num, seed)
    if len(present_ids) < num or len(absent_ids) < num:
        print_log(
            f'only {len(present_ids)} tag-present and {len(absent_ids)} '
            f'tag-absent images available (asked for {num} each)',
            logger='current')
    alternating = [
        i for pair in zip_longest(present_ids, absent_ids) for i in pair
        if i is not None
    ]
    decomposition_ids = alternating[:num_decompositions]

    os.makedirs(out_dir, exist_ok=True)
    denormalizer = ImageDenormalizer.from_preprocessor(model.data_preprocessor)
    images, label_maps, decomposition_paths = [], [], {}
    with eval_mode(model):
        for index in present_ids + absent_ids:
            outputs = decompose_sample(model, dataset[index])
            images.append(denormalizer(outputs.inputs))
            label_maps.append(outputs.masks.argmax(axis=0))
            if index in decomposition_ids:
                figure = draw_decomposition(outputs.inputs, outputs.masks,
                                            outputs.imagelets, denormalizer,
                                            class_names, palette,
                                            background_index, alpha)
                name = (f'decomposition_{split}_'
                        f'{decomposition_ids.index(index)}.png')
                decomposition_paths[index] = _save_png(figure,
                                                       osp.join(out_dir, name))
    titles = (f'{class_name} present',
              f'{class_name} absent') if class_name else ('foreground present',
                                                          'no foreground')
    grid = draw_mask_grid(
        images,
        label_maps, [True] * len(present_ids) + [False] * len(absent_ids),
        palette,
        background_index,
        titles=titles,
        tile_size=tile_size,
        alpha=alpha)
    grid_path = _save_png(grid, osp.join(out_dir, f'grid_{split}.png'))
    return [grid_path] + [decomposition_paths[i] for i in decomposition_ids]
