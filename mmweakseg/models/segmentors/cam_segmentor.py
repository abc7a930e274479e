# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import List, Optional

import torch
import torch.nn.functional as F
from mmseg.models.segmentors import BaseSegmentor
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import OptConfigType, OptMultiConfig, SampleList
from torch import Tensor

from ..utils import stack_gt_tags
from ..utils import load_frozen_classifier


def normalised_cams(features: Tensor,
                    fc_weight: Tensor,
                    size: torch.Size,
                    align_corners: bool = False,
                    eps: float = 1e-5) -> Tensor:
    """Class activation maps normalised to [0, 1] (Zhou et al., 2016).

    ``CAM_f = relu(fc_weight[f] . features)`` (the fc bias is left out),
    resized bilinearly to ``size`` and divided by its maximum over the image
    (plus ``eps``), so the strongest location of each map is ~1 and a map
    without any positive activation is 0 everywhere.

    Args:
        features (Tensor): Last feature map of the classifier, shape
            (N, C, h, w).
        fc_weight (Tensor): Weights of the classifier's linear layer, shape
            (F, C), one row per foreground output.
        size (torch.Size): Output size (H, W).
        align_corners (bool): ``align_corners`` of the resizing.
            Defaults to False.
        eps (float): Added to the maxima. Defaults to 1e-5.

    Returns:
        Tensor: CAMs of shape (N, F, H, W) with values in [0, 1).
    """
    cams = F.relu(torch.einsum('fc,nchw->nfhw', fc_weight, features))
    cams = resize(
        cams,
        size=size,
        mode='bilinear',
        align_corners=align_corners,
        warning=False)
    return cams / (cams.amax(dim=(2, 3), keepdim=True) + eps)


@MODELS.register_module()
class CAMSegmentor(BaseSegmentor):
    """Class activation map (CAM) baseline from the stage-1 classifier.

    The standard weak baseline: the CAMs of the classes present in an image
    (its ground-truth tags, the usual protocol for evaluating seeds),
    normalised to [0, 1] per image (:func:`normalised_cams`); a pixel goes to
    the present class of highest CAM, or to the background where no CAM
    exceeds ``threshold``. The score map (``seg_logits``) holds the CAMs of
    the present classes, 0 for absent ones and ``threshold`` in the
    background channel, so ``argmax`` gives the prediction and a
    ``CAMThresholdSweepMetric`` can re-threshold it.

    The CAM resolution is the classifier's output stride: the ResNet-18 of
    the demo (stride 32) gives 2 x 2 maps on 64 x 64 images, resized
    bilinearly to the input, so the baseline cannot draw shapes finer than
    that. ``backbone_overrides`` can turn the classifier's last strides into
    dilations at test time: the same weights then give finer maps (on the
    demo, output stride 8 keeps the classifier's mAP and raises the CAM
    mIoU by about 13 points).

    The classifier's ``backbone`` and ``fc`` are this segmentor's
    submodules, so its ``state_dict`` has the layout of the stage-1
    checkpoint and ``tools/test.py CONFIG STAGE1_CHECKPOINT`` loads it
    strictly. There is nothing to train.

    Args:
        checkpoint (str): Local path of the stage-1 ``TagClassifier``
            checkpoint.
        threshold (float): Background score, in (0, 1): pixels where no
            present class's normalised CAM exceeds it are background.
            Defaults to 0.2.
        classifier (dict, optional): Config of the stage-1 classifier.
            Defaults to None: read from the checkpoint (see
            :func:`load_frozen_classifier`).
        backbone_overrides (dict, optional): Merged into the classifier's
            backbone config, e.g. ``dict(strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4))`` for output stride 8 with a ResNet.
            Defaults to None.
        num_classes (int, optional): Number of classes K, background
            included; if given it must match the classifier's. Defaults to
            None.
        background_index (int, optional): Index of the background class; if
            given it must match the classifier's. Defaults to None.
        data_preprocessor (dict, optional): Config of the data preprocessor,
            normally the stage-1 one (mmseg's ``SegDataPreProcessor``).
            Defaults to None.
        align_corners (bool): ``align_corners`` of the CAM resizing and of
            ``postprocess_result``. Defaults to False.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to None.
    """

    def __init__(self,
                 checkpoint: str,
                 threshold: float = 0.2,
                 classifier: OptConfigType = None,
                 backbone_overrides: OptConfigType = None,
                 num_classes: Optional[int] = None,
                 background_index: Optional[int] = None,
                 data_preprocessor: OptConfigType = None,
                 align_corners: bool = False,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if not 0 < threshold < 1:
            raise ValueError(f'`threshold` must be in (0, 1), got {threshold}')
        stage1 = load_frozen_classifier(checkpoint, classifier,
                                        'the CAMSegmentor (`model`)',
                                        backbone_overrides)
        layout = dict(
            num_classes=num_classes, background_index=background_index)
        for field, value in layout.items():
            if value is not None and value != getattr(stage1, field):
                raise ValueError(
                    f'`model.{field}` is {value} but the stage-1 classifier '
                    f'{checkpoint!r} has {field}={getattr(stage1, field)}')
        self.num_classes = stage1.num_classes
        self.background_index = stage1.background_index
        self.fg_indices: List[int] = stage1.fg_indices
        self.threshold = threshold
        self.align_corners = align_corners
        self.checkpoint = checkpoint
        self.backbone = stage1.backbone
        self.fc = stage1.fc
        # the rest of the classifier (its extract_feat) stays out of the tree
        self._stage1 = (stage1, )

    def extract_feat(self, inputs: Tensor) -> Tensor:
        """The classifier's last feature map (N, C, h, w) of images
        (N, 3, H, W)."""
        return self._stage1[0].extract_feat(inputs)

    def class_activation_maps(self, inputs: Tensor) -> Tensor:
        """Normalised CAMs of all foreground classes.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).

        Returns:
            Tensor: Shape (N, K-1, H, W), values in [0, 1); channel f
            belongs to class ``fg_indices[f]``.
        """
        return normalised_cams(
            self.extract_feat(inputs), self.fc.weight, inputs.shape[2:],
            self.align_corners)

    def encode_decode(self, inputs: Tensor,
                      batch_data_samples: SampleList) -> Tensor:
        """Scores (N, K, H, W) of images (N, 3, H, W) given their tags.

        Present foreground classes get their normalised CAM, absent ones 0
        and the background ``threshold``.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).
            batch_data_samples (list[:obj:`SegDataSample`]): Samples with
                ``gt_tags`` (K,).
        """
        tags = stack_gt_tags(batch_data_samples, self.num_classes)
        cams = self.class_activation_maps(inputs)
        present = tags[:, self.fg_indices].gt(0).to(cams.dtype)
        scores = cams.new_full(
            (cams.size(0), self.num_classes) + cams.shape[2:], self.threshold)
        scores[:, self.fg_indices] = cams * present[:, :, None, None]
        return scores

    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        """Segment a batch with the CAMs of its tagged classes.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).
            data_samples (list[:obj:`SegDataSample`]): Samples with
                ``gt_tags`` (K,) and the meta information to undo padding,
                flipping and resizing.

        Returns:
            list[:obj:`SegDataSample`]: Each with ``seg_logits`` (K, H, W)
            (the scores of :meth:`encode_decode`) and ``pred_sem_seg``
            (1, H, W) at ``ori_shape``.
        """
        return self.postprocess_result(
            self.encode_decode(inputs, data_samples), data_samples)

    def _forward(self,
                 inputs: Tensor,
                 data_samples: Optional[SampleList] = None) -> Tensor:
        """Normalised CAMs (N, K-1, H, W) of all foreground classes; no
        tags needed."""
        return self.class_activation_maps(inputs)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Not available: the baseline is built from the trained stage-1
        classifier and has nothing to train."""
        raise RuntimeError(
            'CAMSegmentor has nothing to train: train the stage-1 '
            'TagClassifier with tools/train.py and evaluate the CAMs with '
            'tools/test.py CONFIG STAGE1_CHECKPOINT')

    def extra_repr(self) -> str:
        """Show the checkpoint and threshold in ``repr``."""
        return f'checkpoint={self.checkpoint!r}, threshold={self.threshold}'
