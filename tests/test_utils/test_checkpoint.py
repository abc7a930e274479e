# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import pytest
import torch
import torch.nn as nn
from mmengine.runner import load_checkpoint, save_checkpoint

import mmweakseg  # noqa: F401


def test_runner_checkpoint_with_numpy_meta_loads(tmp_path):
    """mmengine checkpoints carry numpy scalars in ``meta``; torch >= 2.6's
    ``weights_only=True`` default refuses them unless mmweakseg's loader is
    registered."""
    src, dst = nn.Linear(3, 2), nn.Linear(3, 2)
    path = str(tmp_path / 'epoch_1.pth')
    save_checkpoint(
        {'state_dict': src.state_dict(), 'meta': {'seed': np.int64(3),
                                                  'lr': np.float32(1e-4)}},
        path)
    with pytest.raises(Exception, match='weights_only|Unsupported global'):
        torch.load(path)  # what mmengine 0.10.7 did before the fix

    checkpoint = load_checkpoint(dst, path, map_location='cpu', strict=True)

    assert checkpoint['meta']['seed'] == 3
    for name, value in src.state_dict().items():
        assert torch.equal(dst.state_dict()[name], value)


def test_missing_checkpoint_says_no_download(tmp_path):
    with pytest.raises(FileNotFoundError, match='never downloads'):
        load_checkpoint(nn.Linear(1, 1), str(tmp_path / 'nowhere.pth'))
