# Copyright (c) mmweakseg contributors. All rights reserved.
from typing import List

from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from torch import Tensor

from ..utils import build_test_refinement, refine_seg_logits


@MODELS.register_module()
class RefinedEncoderDecoder(EncoderDecoder):
    """mmseg's ``EncoderDecoder`` with an optional test-time refinement.

    The second stage trains a standard segmentation model on the method's
    pseudo-labels; the method's own masks are scored after a
    pixel-adaptive refinement (``test_cfg.refine``), which a plain
    ``EncoderDecoder`` cannot apply. This class takes the same
    ``test_cfg`` key as :class:`ReconstructionSegmentor`, so a second-stage
    model can be scored the same way as its teacher. Training, the weights
    and their names are those of ``EncoderDecoder``: its checkpoints load
    here and back.

    Args:
        *args, **kwargs: Those of ``EncoderDecoder``. ``test_cfg`` may hold
            ``refine``, the config of a refinement called as
            ``refine(images (N, 3, h, w), masks (N, K, h, w))`` on the
            softmax of the logits (e.g.
            ``dict(type='PixelAdaptiveRefinement')``); without it the
            predictions are ``EncoderDecoder``'s.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.test_refinement = build_test_refinement(self.test_cfg)
        if self.test_refinement is not None and self.out_channels == 1:
            raise ValueError(
                'test_cfg.refine refines a softmax over the classes; a '
                'decode head with one sigmoid output (out_channels=1) has '
                'none, give it out_channels=num_classes')

    def inference(self, inputs: Tensor, batch_img_metas: List[dict]) -> Tensor:
        """``EncoderDecoder.inference`` (logits (N, K, h, w) of the batch
        (N, 3, H, W)), then, with ``test_cfg.refine``, the logs of the
        refined masks."""
        seg_logits = super().inference(inputs, batch_img_metas)
        if self.test_refinement is None:
            return seg_logits
        return refine_seg_logits(self.test_refinement, inputs, seg_logits)
