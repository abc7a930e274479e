# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest
import torch
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.models.losses import reconstruction_loss


def test_reconstruction_loss_hand_computed():
    image = torch.stack([torch.full((3, 2, 2), 1.), torch.full((3, 2, 2), 2.)])
    reconstruction = torch.zeros_like(image)
    reconstruction[1, 0, 0, 0] = 2.  # removes one of 12 errors of 4
    # sample 0: mean 1; sample 1: (11 * 4 + 0) / 12
    expected = (1. + 44. / 12.) / 2
    assert reconstruction_loss(reconstruction,
                               image).item() == pytest.approx(expected)


def test_reconstruction_loss_module():
    loss = MODELS.build(dict(type='ReconstructionLoss', loss_weight=0.5))
    assert loss.loss_name == 'loss_recon'
    image = torch.full((1, 3, 2, 2), 3.)
    decomposition = dict(reconstruction=torch.ones(1, 3, 2, 2))
    assert loss(decomposition, image, []).item() == pytest.approx(2.)
