# Copyright (c) mmweakseg contributors. All rights reserved.
"""mmweakseg: weakly supervised semantic segmentation from image tags by
reconstruction from a structured decomposition, as an MMSegmentation plugin.

Importing the package registers its datasets, transforms, models, metrics,
hooks and visualizers into mmseg's registries and makes mmengine's local
checkpoint loader work under torch >= 2.6.
"""
import mmcv
import mmengine
import mmseg
from mmengine.utils import digit_version

from .version import __version__, version_info

MMCV_MIN = '2.1.0'
MMCV_MAX = '2.2.0'
MMENGINE_MIN = '0.10.0'
MMENGINE_MAX = '1.0.0'
MMSEG_MIN = '1.2.0'
MMSEG_MAX = '1.3.0'


def _check_version(name: str, version: str, low: str, high: str) -> None:
    """Raise if ``low <= version < high`` does not hold."""
    if not digit_version(low) <= digit_version(version) < digit_version(high):
        raise ImportError(
            f'{name}=={version} is used but incompatible with mmweakseg '
            f'{__version__}: please install {name}>={low}, <{high} '
            '(tools/setup_env.sh builds the tested stack).')


_check_version('mmcv', mmcv.__version__, MMCV_MIN, MMCV_MAX)
_check_version('mmengine', mmengine.__version__, MMENGINE_MIN, MMENGINE_MAX)
_check_version('mmseg', mmseg.__version__, MMSEG_MIN, MMSEG_MAX)

from .utils import register_local_checkpoint_loader  # noqa: E402

register_local_checkpoint_loader()

from . import datasets, engine, evaluation, models, visualization  # noqa: E402,F401,E501

__all__ = ['__version__', 'version_info']
