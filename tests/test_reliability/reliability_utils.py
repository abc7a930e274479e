# Copyright (c) mmweakseg contributors. All rights reserved.
"""Helpers of the reliability tests: the demo configs made tiny, a runner of
``tools/*`` and a stage-1 classifier checkpoint written without training."""
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Sequence

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmweakseg  # noqa: F401
from mmweakseg.workflows import read_test_metrics
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

REPO = Path(__file__).parents[2]
CLS_CONFIG = REPO / 'configs/tag_classifier/' \
    'tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py'
SEG_CONFIG = REPO / 'configs/recon_decomp/' \
    'recdec_unet-w16_1xb8-10e_weak-demo-64x64.py'
# The stage-1 classifier at width 8 (ResNet-18 layout, 64 output channels).
TINY_CLASSIFIER = {
    'model.backbone.stem_channels': 8,
    'model.backbone.base_channels': 8,
    'model.in_channels': 64
}
TINY_CLS_OPTIONS = [f'{key}={value}' for key, value in TINY_CLASSIFIER.items()]


def data_options(data_root: str,
                 batch_size: int = 2,
                 test_batch_size: int = 1) -> List[str]:
    """``--cfg-options`` pointing every dataloader at ``data_root``, with
    the pipeline in the main process (``num_workers=0``)."""
    options = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        size = batch_size if loader == 'train_dataloader' else test_batch_size
        options += [
            f'{loader}.dataset.data_root={data_root}',
            f'{loader}.batch_size={size}', f'{loader}.num_workers=0',
            f'{loader}.persistent_workers=False'
        ]
    return options


def tool_env() -> dict:
    """Environment of the tools: this interpreter for the launch scripts
    (``PYTHON``), unbuffered output and one thread per process."""
    env = dict(os.environ)
    env.update(
        PYTHON=sys.executable, PYTHONUNBUFFERED='1', OMP_NUM_THREADS='1')
    return env


def tool_command(tool: str, *args) -> List[str]:
    """Command line of ``tools/<tool>`` (``.py`` with this interpreter,
    ``.sh`` with bash)."""
    path = str(REPO / 'tools' / tool)
    launcher = ['bash'] if tool.endswith('.sh') else [sys.executable]
    return launcher + [path] + [str(arg) for arg in args]


def start_tool(tool: str, *args) -> subprocess.Popen:
    """Start ``tools/<tool>`` in the repository, its stdout and stderr
    merged into ``stdout`` (text)."""
    return subprocess.Popen(
        tool_command(tool, *args),
        cwd=REPO,
        env=tool_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True)


def finish_tool(process: subprocess.Popen) -> str:
    """Wait for a started tool and return its output, failing with it."""
    output = process.communicate()[0]
    assert process.returncode == 0, output[-4000:]
    return output


def run_tool(tool: str, *args) -> str:
    """Run ``tools/<tool>`` and return its output, failing with it."""
    return finish_tool(start_tool(tool, *args))


def metrics_without_timing(work_dir: Path) -> dict:
    """Metrics of the newest ``tools/test.py`` run in ``work_dir`` without
    its timings (``time``, ``data_time``), so runs can be compared."""
    metrics = read_test_metrics(str(work_dir))
    return {
        key: value
        for key, value in metrics.items() if key not in ('time', 'data_time')
    }


def save_tiny_classifier(path: Path, num_classes: int = 4) -> str:
    """Write an untrained width-8 stage-1 classifier the way the runner does
    (``state_dict`` and the config in ``meta['cfg']``)."""
    init_default_scope('mmseg')
    cfg = Config.fromfile(str(CLS_CONFIG))
    cfg.merge_from_dict(
        dict(TINY_CLASSIFIER, **{'model.num_classes': num_classes}))
    torch.manual_seed(0)
    classifier = MODELS.build(cfg.model)
    torch.save(
        {
            'state_dict': classifier.state_dict(),
            'meta': {
                'cfg': cfg.pretty_text
            }
        }, path)
    return str(path)


def tiny_segmentor_cfg(classifier_checkpoint: str,
                       norm_cfg: Optional[dict] = None) -> Config:
    """The demo segmentor (4 classes, background 0) at width 4, guided by
    ``classifier_checkpoint``; ``norm_cfg`` goes to the backbone and both
    decoders."""
    model = Config.fromfile(str(SEG_CONFIG)).model
    model.backbone.base_channels = 4
    for loss in model.losses:  # L_cls and the masked-image classifier loss
        if 'checkpoint' in loss:
            loss.checkpoint = classifier_checkpoint
    if norm_cfg is not None:
        for part in ('backbone', 'mask_decoder', 'imagelet_decoder'):
            model[part].norm_cfg = norm_cfg
    return model


def make_batch(images: Sequence[torch.Tensor],
               tags: Sequence[Sequence[float]]) -> dict:
    """A data batch as the dataloader gives it: uint8 images (3, H, W) (BGR)
    and data samples with ``gt_tags`` (K,)."""
    data_samples = []
    for image, sample_tags in zip(images, tags):
        shape = tuple(image.shape[1:])
        data_sample = SegDataSample(
            metainfo=dict(ori_shape=shape, img_shape=shape))
        data_sample.set_field(
            torch.tensor(sample_tags, dtype=torch.float32),
            'gt_tags',
            dtype=torch.Tensor)
        data_samples.append(data_sample)
    return dict(inputs=list(images), data_samples=data_samples)
