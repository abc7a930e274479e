# Copyright (c) mmweakseg contributors. All rights reserved.
import copy
import inspect
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
from mmseg.models.segmentors import BaseSegmentor
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import (ConfigType, OptConfigType, OptMultiConfig,
                         OptSampleList, SampleList)
from torch import Tensor

from ..utils import (build_test_refinement, check_class_layout,
                     refine_seg_logits)


@MODELS.register_module()
class ReconstructionSegmentor(BaseSegmentor):
    """Weak segmentation by reconstruction from a structured decomposition.

    A shared backbone feeds two decoders: the mask decoder predicts K mask
    logits and the image-let decoder K image-lets of 3 channels each. The
    softmax masks recompose the image from the image-lets (Eq. 1):
    ``reconstruction = sum_k masks[:, k] * imagelets[:, k]``, all in the
    data preprocessor's normalised space. Training sums the configured losses
    (Eq. 7), typically ``ReconstructionLoss``, ``MaskAreaLoss`` and
    ``ImageletClassifierLoss`` with the paper's
    :math:`\\lambda_m = \\lambda_c = 10^{-3}` as their ``loss_weight``.
    Prediction takes the argmax of the masks.

    Args:
        backbone (dict): Config of the shared backbone; it must return
            multi-scale features, shallow to deep.
        mask_decoder (dict): Config of the mask decoder (e.g.
            ``UNetDecoder``). Its ``out_channels`` is set to K and its
            ``in_channels``, when not given, to the backbone's feature
            channels (found by a forward pass of a 64 x 64 zero image).
        imagelet_decoder (dict, optional): Config of the image-let decoder,
            filled in the same way with ``out_channels`` 3K; output channels
            ``3k .. 3k+2`` are the image-let of class k. None builds the mask
            branch alone (the supervised upper bound, trained with
            ``PixelCrossEntropyLoss``): ``decompose`` then returns only
            ``mask_logits`` and ``masks``.
        losses (list[dict]): Configs of the losses. Each is called as
            ``loss(decomposition, inputs, data_samples)`` and returns a
            scalar; values with the same ``loss_name`` are summed. A loss
            whose class takes a ``background_index`` argument gets the
            segmentor's unless its config sets one. A loss with a
            ``make_view(images)`` method (e.g. ``MaskEquivarianceLoss``)
            gets the mask logits of that view of the batch as
            ``decomposition['view_mask_logits']``.
        num_classes (int): Number of classes K, background included.
        background_index (int): Index of the background class.
            Defaults to 0.
        train_cfg (dict, optional): Training config; unused, kept for
            mmseg's config layout. Defaults to None.
        test_cfg (dict, optional): Testing config: ``mode`` (only
            ``'whole'``) and optionally ``refine``, the config of a mask
            refinement (e.g. ``dict(type='PixelAdaptiveRefinement')``)
            applied to the softmax masks before the prediction, called as
            ``refine(images (N, 3, H, W), masks (N, K, H, W))``.
            Defaults to None (whole image, no refinement).
        data_preprocessor (dict, optional): Config of the data preprocessor,
            normally mmseg's ``SegDataPreProcessor``. Defaults to None.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to None.
        align_corners (bool): ``align_corners`` of the bilinear resizing of
            the decoder outputs to the input size and of the predictions to
            the original image size. Defaults to False.
        bounded_imagelets (bool): Squash the image-lets into the range of
            real images (pixel values 0..255 after the data preprocessor's
            normalisation) with a sigmoid. The paper leaves them unbounded
            (False, the default); unbounded image-lets can undo any soft mask
            by rescaling (``M_k X_k`` stays fixed as ``M_k`` shrinks), so
            nothing pushes the masks towards 0 or 1. Bounded ones cannot.
    """

    def __init__(self,
                 backbone: ConfigType,
                 mask_decoder: ConfigType,
                 imagelet_decoder: OptConfigType,
                 losses: Sequence[ConfigType],
                 num_classes: int,
                 background_index: int = 0,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None,
                 align_corners: bool = False,
                 bounded_imagelets: bool = False):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        check_class_layout(num_classes, background_index)
        test_mode = (test_cfg or {}).get('mode', 'whole')
        if test_mode != 'whole':
            raise ValueError('ReconstructionSegmentor supports only '
                             f"test_cfg.mode='whole', got {test_mode!r}")
        self.test_refinement = build_test_refinement(test_cfg)
        self.num_classes = num_classes
        self.out_channels = num_classes
        self.background_index = background_index
        self.align_corners = align_corners
        self.bounded_imagelets = bounded_imagelets
        self.train_cfg = train_cfg
        self.test_cfg = test_cfg

        self.backbone = MODELS.build(backbone)
        feature_channels = None
        if any(cfg is not None and cfg.get('in_channels') is None
               for cfg in (mask_decoder, imagelet_decoder)):
            feature_channels = self._backbone_channels()
        self.mask_decoder = self._build_decoder(mask_decoder, num_classes,
                                                feature_channels,
                                                'mask_decoder')
        self.imagelet_decoder = None if imagelet_decoder is None else \
            self._build_decoder(imagelet_decoder, 3 * num_classes,
                                feature_channels, 'imagelet_decoder')
        self.losses = nn.ModuleList(
            MODELS.build(self._with_background_index(cfg)) for cfg in losses)
        self._check_frozen_classifiers()

    def _with_background_index(self, cfg: ConfigType) -> dict:
        """A loss config with ``background_index`` set to the segmentor's
        when its class takes that argument and the config does not set
        it."""
        cfg = dict(cfg)
        loss_cls = MODELS.get(cfg['type']) if isinstance(
            cfg['type'], str) else cfg['type']
        if loss_cls is not None and 'background_index' in inspect.signature(
                loss_cls).parameters:
            cfg.setdefault('background_index', self.background_index)
        return cfg

    def _build_decoder(self, cfg: ConfigType, out_channels: int,
                       feature_channels: Optional[List[int]],
                       field: str) -> nn.Module:
        """Build a decoder with ``out_channels`` and, unless given,
        ``feature_channels`` (the backbone's) as ``in_channels``."""
        cfg = copy.deepcopy(cfg)
        if cfg.get('out_channels', out_channels) != out_channels:
            raise ValueError(
                f'`{field}.out_channels` must be {out_channels} for '
                f'num_classes={self.num_classes}, got {cfg["out_channels"]}; '
                'leave it unset to have it filled in')
        cfg['out_channels'] = out_channels
        if cfg.get('in_channels') is None:
            cfg['in_channels'] = feature_channels
        return MODELS.build(cfg)

    @torch.no_grad()
    def _backbone_channels(self) -> List[int]:
        """Channels of the backbone's features, shallow to deep, read from a
        forward pass of a (1, 3, 64, 64) zero image in eval mode."""
        was_training = self.backbone.training
        self.backbone.eval()
        features = self.backbone(torch.zeros(1, 3, 64, 64))
        self.backbone.train(was_training)
        return [feature.size(1) for feature in features]

    def extract_feat(self, inputs: Tensor) -> List[Tensor]:
        """Backbone features of images (N, 3, H, W), shallow to deep."""
        return self.backbone(inputs)

    def _decode(self, decoder: nn.Module, features: List[Tensor],
                size: torch.Size) -> Tensor:
        """Run ``decoder`` and resize its output to ``size`` (H, W)."""
        out = decoder(features)
        if out.shape[2:] != size:
            out = resize(
                out,
                size=size,
                mode='bilinear',
                align_corners=self.align_corners,
                warning=False)
        return out

    def _check_frozen_classifiers(self) -> None:
        """Fail at build time, naming the config field, when a loss's frozen
        classifier was trained on another class layout."""
        for index, loss_module in enumerate(self.losses):
            classifier = getattr(loss_module, 'classifier', None)
            if classifier is None:
                continue
            layout = (classifier.num_classes, classifier.background_index)
            if layout != (self.num_classes, self.background_index):
                field = f'model.losses[{index}].checkpoint'
                raise ValueError(
                    f'the frozen classifier of {field} '
                    f'({loss_module.checkpoint!r}) has num_classes='
                    f'{layout[0]} and background_index={layout[1]} but the '
                    f'segmentor has num_classes={self.num_classes} and '
                    f'background_index={self.background_index}; train the '
                    f'classifier on the same classes or change {field}')

    def decompose(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Decompose images into masks and image-lets (Eq. 1).

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).

        Returns:
            dict[str, Tensor]:

            - ``mask_logits``: (N, K, H, W).
            - ``masks``: softmax of ``mask_logits`` over K, (N, K, H, W).
            - ``imagelets``: (N, K, 3, H, W).
            - ``reconstruction``: ``sum_k masks[:, k] * imagelets[:, k]``,
              (N, 3, H, W).

            The last two only with an image-let decoder.
        """
        size = inputs.shape[2:]
        features = self.extract_feat(inputs)
        mask_logits = self._decode(self.mask_decoder, features, size)
        masks = mask_logits.softmax(dim=1)
        if self.imagelet_decoder is None:
            return dict(mask_logits=mask_logits, masks=masks)
        imagelets = self._decode(self.imagelet_decoder, features,
                                 size).unflatten(1, (self.num_classes, 3))
        if self.bounded_imagelets:
            imagelets = self._squash_to_image_range(imagelets)
        reconstruction = (masks.unsqueeze(2) * imagelets).sum(dim=1)
        return dict(
            mask_logits=mask_logits,
            masks=masks,
            imagelets=imagelets,
            reconstruction=reconstruction)

    def _squash_to_image_range(self, imagelets: Tensor) -> Tensor:
        """Map raw image-lets (N, K, 3, H, W) into the normalised range of
        pixel values [0, 255] with a sigmoid, channel by channel."""
        mean = getattr(self.data_preprocessor, 'mean', None)
        if mean is None:
            low, high = 0., 255.
        else:
            std = self.data_preprocessor.std
            low, high = (0. - mean) / std, (255. - mean) / std
        return low + (high - low) * imagelets.sigmoid()

    def encode_decode(self, inputs: Tensor,
                      batch_img_metas: Optional[List[dict]]) -> Tensor:
        """Mask logits (N, K, H, W) of images (N, 3, H, W), at the input
        size.

        ``batch_img_metas`` is unused: the logits always match the (padded)
        input, which ``postprocess_result`` crops and resizes.
        """
        return self._decode(self.mask_decoder, self.extract_feat(inputs),
                            inputs.shape[2:])

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Losses of a batch.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).
            data_samples (list[:obj:`SegDataSample`]): Samples with
                ``gt_tags`` (K,) and optionally ``gt_tag_areas`` (K,).

        Returns:
            dict[str, Tensor]: One scalar per loss name, e.g. ``loss_recon``,
            ``loss_mask`` and ``loss_cls``.
        """
        decomposition = self.decompose(inputs)
        losses = dict()
        for loss_module in self.losses:
            loss_inputs = decomposition
            if hasattr(loss_module, 'make_view'):
                view = loss_module.make_view(inputs)
                loss_inputs = dict(
                    decomposition,
                    view_mask_logits=self.encode_decode(view, None))
            value = loss_module(loss_inputs, inputs, data_samples)
            name = loss_module.loss_name
            losses[name] = losses[name] + value if name in losses else value
        return losses

    def predict(self,
                inputs: Tensor,
                data_samples: OptSampleList = None) -> SampleList:
        """Segment a batch.

        Args:
            inputs (Tensor): Normalised images, shape (N, 3, H, W).
            data_samples (list[:obj:`SegDataSample`], optional): Samples with
                the meta information to undo padding, flipping and resizing.
                Defaults to None.

        Returns:
            list[:obj:`SegDataSample`]: Each with ``seg_logits`` (K, H, W)
            and ``pred_sem_seg`` (1, H, W) at ``ori_shape`` (see
            ``postprocess_result``), and the tensor field
            ``pred_tag_scores`` (K,): the mean of each class's softmax mask
            over the image. With ``test_cfg.refine``, ``seg_logits`` are the
            logs of the refined masks.
        """
        batch_img_metas = None if data_samples is None else [
            data_sample.metainfo for data_sample in data_samples
        ]
        seg_logits = self.encode_decode(inputs, batch_img_metas)
        if self.test_refinement is not None:
            seg_logits = refine_seg_logits(self.test_refinement, inputs,
                                           seg_logits)
        data_samples = self.postprocess_result(seg_logits, data_samples)
        for data_sample in data_samples:
            tag_scores = data_sample.seg_logits.data.softmax(dim=0).mean(
                dim=(1, 2))
            data_sample.set_field(
                tag_scores, 'pred_tag_scores', dtype=torch.Tensor)
        return data_samples

    def _forward(self,
                 inputs: Tensor,
                 data_samples: OptSampleList = None) -> Tensor:
        """Mask logits (N, K, H, W) of images (N, 3, H, W)."""
        return self.encode_decode(inputs, None)
