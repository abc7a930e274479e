# Copyright (c) mmweakseg contributors. All rights reserved.
import os.path as osp
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.model.weight_init import PretrainedInit
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import ConfigType, OptConfigType, OptMultiConfig
from torch import Tensor

from ..utils import stack_gt_tags
from ..utils import check_class_layout


def check_pretrained_files(init_cfg: OptMultiConfig, field: str) -> None:
    """Fail early when a ``Pretrained`` init config names a missing file.

    mmengine would only notice at ``init_weights()`` and may try to download
    from URL-like names. Weights are never downloaded in mmweakseg, so every
    ``Pretrained`` checkpoint must be an existing local file.

    Args:
        init_cfg (dict | list[dict], optional): An ``init_cfg`` as stored on
            a module.
        field (str): Config path of ``init_cfg``, used in the message.

    Raises:
        FileNotFoundError: If a ``Pretrained`` checkpoint is not a local file.
    """
    cfgs = init_cfg if isinstance(init_cfg, list) else [init_cfg]
    for cfg in cfgs:
        if not cfg or (cfg['type'] != 'Pretrained'
                       and cfg['type'] is not PretrainedInit):
            continue
        checkpoint = cfg.get('checkpoint')
        if not osp.isfile(str(checkpoint)):
            raise FileNotFoundError(
                f'Pretrained checkpoint {checkpoint!r} is not a local file '
                f'(looked for {osp.abspath(str(checkpoint))!r}). '
                'mmweakseg never downloads weights, so no download is '
                'attempted: put the file at that path or change '
                f'`{field}.checkpoint` in the config (set `{field}=None` to '
                'start from random initialisation).')


@MODELS.register_module()
class TagClassifier(BaseModel):
    """Multi-label image classifier over the foreground tags.

    ``backbone -> global average pooling -> fc`` with one logit per
    foreground class; the background has no output. It is trained with
    Eq. 9 of the paper and later frozen to guide the reconstruction
    segmentor. The logits are in class order with the background skipped,
    i.e. logit ``j`` belongs to class ``fg_indices[j]``; the same holds for
    the rows of ``fc.weight`` (class activation maps are
    ``einsum('kc,nchw->nkhw', fc.weight, extract_feat(x))``).

    Args:
        backbone (dict): Config of any registered mmseg backbone; its last
            output is used.
        num_classes (int): Number of classes K, background included.
        background_index (int): Index of the background class in [0, K).
        in_channels (int): Channels of the backbone's last output.
        loss (dict): Config of the tag loss, called as
            ``loss(logits (N, K-1), tags (N, K-1))``.
            Defaults to ``dict(type='TagBCELoss')``.
        data_preprocessor (dict, optional): Config of the data preprocessor,
            normally mmseg's ``SegDataPreProcessor``. Defaults to None.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 backbone: ConfigType,
                 num_classes: int,
                 background_index: int,
                 in_channels: int,
                 loss: ConfigType = dict(type='TagBCELoss'),
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        check_class_layout(num_classes, background_index)
        self.num_classes = num_classes
        self.background_index = background_index
        self.in_channels = in_channels
        self.backbone = MODELS.build(backbone)
        check_pretrained_files(self.backbone.init_cfg, 'backbone.init_cfg')
        check_pretrained_files(self.init_cfg, 'init_cfg')
        self.fc = nn.Linear(in_channels, num_classes - 1)
        self.loss_cls = MODELS.build(loss)

    @property
    def fg_indices(self) -> List[int]:
        """list[int]: The K-1 foreground class indices, in class order."""
        return [
            k for k in range(self.num_classes) if k != self.background_index
        ]

    def extract_feat(self, inputs: Tensor) -> Tensor:
        """Last backbone feature map.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).

        Returns:
            Tensor: Features, shape (N, C, h, w) with C = ``in_channels``.
        """
        feats = self.backbone(inputs)[-1]
        if feats.size(1) != self.in_channels:
            raise ValueError(f'The backbone outputs {feats.size(1)} channels '
                             f'but `in_channels` is {self.in_channels}; set '
                             '`in_channels` to the channels of its last '
                             'output.')
        return feats

    def forward(
        self,
        inputs: Tensor,
        data_samples: Optional[List[SegDataSample]] = None,
        mode: str = 'tensor'
    ) -> Union[Tensor, Dict[str, Tensor], List[SegDataSample]]:
        """Dispatch to ``loss``, ``predict`` or the plain logits.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).
            data_samples (list[SegDataSample], optional): Samples carrying
                ``gt_tags`` (K,) for 'loss'. Defaults to None.
            mode (str): 'tensor' returns logits (N, K-1), 'loss' a dict of
                losses, 'predict' the data samples with ``pred_tag_scores``.
                Defaults to 'tensor'.
        """
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs)
        raise RuntimeError(f'Invalid mode "{mode}". '
                           'Only supports loss, predict and tensor mode')

    def _forward(self, inputs: Tensor) -> Tensor:
        """Foreground logits, shape (N, K-1), from images (N, 3, H, W)."""
        return self.fc(self.extract_feat(inputs).mean(dim=(2, 3)))

    def loss(self, inputs: Tensor,
             data_samples: List[SegDataSample]) -> Dict[str, Tensor]:
        """Tag loss of a batch.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).
            data_samples (list[SegDataSample]): Samples with ``gt_tags`` (K,).

        Returns:
            dict[str, Tensor]: ``{loss.loss_name: loss}``.
        """
        fg_tags = stack_gt_tags(data_samples,
                                self.num_classes)[:, self.fg_indices]
        loss = self.loss_cls(self._forward(inputs), fg_tags)
        return {self.loss_cls.loss_name: loss}

    def predict(
        self,
        inputs: Tensor,
        data_samples: Optional[List[SegDataSample]] = None
    ) -> List[SegDataSample]:
        """Per-class tag scores.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).
            data_samples (list[SegDataSample], optional): Samples to write
                into; new ones are made when None. Defaults to None.

        Returns:
            list[SegDataSample]: Each with the tensor field
            ``pred_tag_scores`` (K,): sigmoid scores, background entry 1.
        """
        fg_scores = self._forward(inputs).sigmoid()
        scores = fg_scores.new_ones(fg_scores.size(0), self.num_classes)
        scores[:, self.fg_indices] = fg_scores
        if data_samples is None:
            data_samples = [SegDataSample() for _ in range(scores.size(0))]
        for data_sample, sample_scores in zip(data_samples, scores):
            data_sample.set_field(
                sample_scores, 'pred_tag_scores', dtype=torch.Tensor)
        return data_samples
