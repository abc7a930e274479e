# Copyright (c) mmweakseg contributors. All rights reserved.
import torch

import mmweakseg  # noqa: F401
from mmweakseg.models.utils import holds_all_tags, masks_to_pseudo_labels


def test_pseudo_labels_by_hand():
    # K = 3, background 0, five pixels in a row; class 2 is not tagged
    masks = torch.tensor([[
        [1.0, 0.75, 0.5, 0.2, 0.0],  # background, peak 1.0: needs >= 0.7
        [0.0, 0.25, 0.5, 0.2, 0.5],  # class 1, peak 0.5: needs >= 0.3
        [0.0, 0.0, 0.0, 0.6, 0.5],  # class 2: untagged, zeroed
    ]])[:, :, None]  # (1, 3, 1, 5)
    labels = masks_to_pseudo_labels(
        masks, torch.tensor([[1., 1., 0.]]), background_index=0)
    # px 0: bg only; px 1: bg only (0.25 < 0.3); px 2: bg 0.5 < 0.7,
    # class 1 0.5 >= 0.3 -> 1; px 3: nobody (0.2 < 0.3, 0.2 < 0.7);
    # px 4: class 1 only (class 2 untagged)
    assert labels.tolist() == [[[0, 0, 1, 255, 1]]]


def test_contested_pixels_and_the_floor():
    masks = torch.tensor([[
        [0.9, 0.8, 0.1],  # background (index 1 here), threshold 0.63
        [0.9, 0.1, 0.15],  # class 0, peak 0.9: threshold 0.54
    ]])[:, :, None]
    labels = masks_to_pseudo_labels(
        torch.stack([masks[:, 1], masks[:, 0]], dim=1),
        torch.tensor([[1., 1.]]),
        background_index=1)
    # px 0 is claimed by both -> ignored
    assert labels.tolist() == [[[255, 1, 255]]]
    # a faint class never claims pixels below the floor of 0.2
    faint = torch.tensor([[[0.9, 0.9], [0.1, 0.15]]])[:, :, None]
    labels = masks_to_pseudo_labels(
        faint, torch.tensor([[1., 1.]]), background_index=0)
    assert labels.tolist() == [[[0, 0]]]


def test_renormalized_scores_give_absent_class_pixels_to_the_tags():
    # K = 3, background 0, tags: background and class 1; class 2 (absent)
    # took pixel 1 from the background and all of pixel 3
    masks = torch.tensor([[
        [0.9, 0.2, 0.1, 0.0],  # background
        [0.1, 0.0, 0.9, 0.0],  # class 1
        [0.0, 0.8, 0.0, 1.0],  # class 2, untagged
    ]])[:, :, None]  # (1, 3, 1, 4)
    tags = torch.tensor([[1., 1., 0.]])
    # as they are: px 1 keeps background 0.2 < 0.7 * 0.9 -> nobody claims it
    assert masks_to_pseudo_labels(masks, tags, 0).tolist() == \
        [[[0, 255, 1, 255]]]
    # renormalised over the tags: px 1 is background 1.0 (peak 1.0, needs
    # >= 0.7; px 0 still has 0.9); px 3 has no tagged score at all and
    # stays unclaimed
    assert masks_to_pseudo_labels(masks, tags, 0, renormalize=True).tolist() \
        == [[[0, 0, 1, 255]]]


def test_holds_all_tags():
    labels = torch.tensor([[[0, 1]], [[0, 255]]])
    tags = torch.tensor([[1., 1., 0.], [1., 1., 0.]])
    assert holds_all_tags(labels, tags).tolist() == [True, False]
    assert holds_all_tags(labels[1:], torch.tensor([[1., 0., 0.]])).tolist() \
        == [True]
