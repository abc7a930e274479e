# Copyright (c) mmweakseg contributors. All rights reserved.
"""Where the command-line tools and configs that the workflows run are.

Every stage runs as ``tools/train.py`` / ``tools/test.py`` in a child
process (see :mod:`.stage_runner`), so an installed package needs the tools
too: a regular install ships ``tools/`` and ``configs/`` inside the package
as ``mmweakseg/.mim/`` (``setup.py`` copies them, as mmseg ships its
``.mim``), an editable install or a clone uses the checkout's folders.
"""
import os.path as osp
from typing import Dict

PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))
# a file that identifies each folder
LANDMARKS = dict(tools='train.py', configs='_base_')


def _find(name: str) -> str:
    for root in (osp.join(PACKAGE_DIR, '.mim'), osp.dirname(PACKAGE_DIR)):
        folder = osp.join(root, name)
        if osp.exists(osp.join(folder, LANDMARKS[name])):
            return folder
    raise FileNotFoundError(
        f'mmweakseg\'s {name}/ folder is neither in the installed package '
        f'({osp.join(PACKAGE_DIR, ".mim", name)}) nor beside it (a '
        'checkout); reinstall with `pip install .` or `pip install -e .` '
        'from a clone of the repository')


def tools_dir() -> str:
    """The folder of ``train.py``, ``test.py`` and the other tools."""
    return _find('tools')


def configs_dir() -> str:
    """The folder of the shipped configs."""
    return _find('configs')


def demo_configs() -> Dict[str, str]:
    """The shipped configs of the embedded demo, by the stage prefix of the
    tools' ``--<stage>-config`` options: ``cls`` (classifier), ``seg``
    (segmentor), ``retrain`` (retrained model), ``cam`` (CAM reference),
    ``sup`` (supervised upper bound)."""
    configs = configs_dir()
    return dict(
        cls=osp.join(configs, 'tag_classifier',
                     'tagcls_r18-w32-os8_1xb16-10e_weak-demo-64x64.py'),
        seg=osp.join(configs, 'recon_decomp',
                     'recdec_unet-w16_1xb8-10e_weak-demo-64x64.py'),
        retrain=osp.join(configs, 'retrained',
                         'fcn_unet-s5-w16_1xb16-1k_weak-demo-pseudo-64x64.py'),
        cam=osp.join(configs, 'cam',
                     'cam_tagcls-r18-w32-os8_weak-demo-64x64.py'),
        sup=osp.join(configs, 'supervised',
                     'pixel-ce_unet-w16_1xb8-20e_weak-demo-64x64.py'))
