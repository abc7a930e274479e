# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import List, Optional, Sequence

import numpy as np
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmseg.registry import HOOKS
from torch import nn

from mmweakseg.visualization import (ImageDenormalizer, decompose_sample,
                                     draw_decomposition, draw_mask_grid,
                                     eval_mode, tag_presence)

DATA_SOURCES = ('val', 'train')


@HOOKS.register_module()
class DecompositionVisualizationHook(Hook):
    """Draw the model's decomposition and masks during training.

    Every ``interval`` training iterations, on the main process only, the
    unwrapped model (``runner.model.module`` under DDP) decomposes a few
    images in eval mode under ``torch.no_grad()`` (its previous mode is
    restored afterwards) and the hook sends to the runner's visualizer, with
    ``step`` the number of finished iterations (as the logger uses):

    - ``decomposition_<i>``: :func:`draw_decomposition` of the first
      ``num_decompositions`` images;
    - ``mask_grid``: :func:`draw_mask_grid` of all of them, split by whether
      any foreground class is tagged.

    The configured ``vis_backends`` store them: ``LocalVisBackend`` writes
    ``<work_dir>/<timestamp>/vis_data/vis_image/<name>_<step>.png``,
    ``TensorboardVisBackend`` adds them to TensorBoard.

    With ``data_source='val'`` the images are the first ``num_images`` of the
    validation dataset, loaded once before training through its (not
    augmenting) pipeline, so the pictures of successive steps show the same
    images and are comparable; this needs ``val_dataloader`` in the config.
    With ``data_source='train'`` they are the first ``num_images`` of the
    current training batch (augmented, different each time).

    Args:
        interval (int): Draw every ``interval`` training iterations.
            Defaults to 500.
        data_source (str): ``'val'`` or ``'train'``, see above. Defaults to
            ``'val'``.
        num_images (int): Images in the mask grid. Defaults to 8.
        num_decompositions (int): Images with a decomposition figure, at
            most ``num_images``. Defaults to 1.
        tile_size (int): Side of each square in the mask grid. Defaults to
            112.
        alpha (float): Opacity of the mask colours. Defaults to 0.5.
    """

    priority = 'LOW'

    def __init__(self,
                 interval: int = 500,
                 data_source: str = 'val',
                 num_images: int = 8,
                 num_decompositions: int = 1,
                 tile_size: int = 112,
                 alpha: float = 0.5) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        if data_source not in DATA_SOURCES:
            raise ValueError(f'data_source must be one of {DATA_SOURCES}, '
                             f'got {data_source!r}')
        if not 0 <= num_decompositions <= num_images or num_images < 1:
            raise ValueError(
                'need 1 <= num_images and 0 <= num_decompositions <= '
                f'num_images, got num_images={num_images}, '
                f'num_decompositions={num_decompositions}')
        self.interval = interval
        self.data_source = data_source
        self.num_images = num_images
        self.num_decompositions = num_decompositions
        self.tile_size = tile_size
        self.alpha = alpha
        self._fixed_samples: List[dict] = []
        self._dataset_meta: dict = {}

    def before_train(self, runner: Runner) -> None:
        """Read the class names and palette and, for ``data_source='val'``,
        load the fixed validation samples."""
        if not is_main_process():
            return
        if self.data_source == 'train':
            self._dataset_meta = runner.train_dataloader.dataset.metainfo
            return
        if runner.val_loop is None:
            raise RuntimeError(
                "DecompositionVisualizationHook(data_source='val') needs "
                'val_dataloader, val_cfg and val_evaluator in the config; '
                "set data_source='train' to draw training batches instead")
        dataset = runner.val_dataloader.dataset
        self._dataset_meta = dataset.metainfo
        self._fixed_samples = [
            dataset[i] for i in range(min(self.num_images, len(dataset)))
        ]

    def after_train_iter(self,
                         runner: Runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Draw every ``interval`` iterations on the main process."""
        if not (self.every_n_train_iters(runner, self.interval)
                and is_main_process()):
            return
        if self.data_source == 'val':
            samples = self._fixed_samples
        else:
            samples = [
                dict(inputs=inputs, data_samples=data_sample)
                for inputs, data_sample in zip(
                    data_batch['inputs'][:self.num_images],
                    data_batch['data_samples'][:self.num_images])
            ]
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        self._draw(runner, model, samples)

    def _draw(self, runner: Runner, model: nn.Module,
              samples: Sequence[dict]) -> None:
        """Decompose ``samples`` and add the figures to the visualizer."""
        class_names = self._dataset_meta['classes']
        palette = self._dataset_meta['palette']
        background_index = model.background_index
        denormalizer = ImageDenormalizer.from_preprocessor(
            model.data_preprocessor)
        with eval_mode(model):
            decompositions = [
                decompose_sample(model, sample) for sample in samples
            ]
        step = runner.iter + 1
        for i, outputs in enumerate(decompositions[:self.num_decompositions]):
            runner.visualizer.add_image(
                f'decomposition_{i}',
                draw_decomposition(outputs.inputs, outputs.masks,
                                   outputs.imagelets, denormalizer,
                                   class_names, palette, background_index,
                                   self.alpha),
                step=step)
        gt_tags = np.stack([
            sample['data_samples'].gt_tags.cpu().numpy() for sample in samples
        ])
        grid = draw_mask_grid(
            [denormalizer(outputs.inputs) for outputs in decompositions],
            [outputs.masks.argmax(axis=0) for outputs in decompositions],
            tag_presence(gt_tags, background_index),
            palette,
            background_index,
            titles=('foreground present', 'no foreground'),
            tile_size=self.tile_size,
            alpha=self.alpha)
        runner.visualizer.add_image('mask_grid', grid, step=step)
