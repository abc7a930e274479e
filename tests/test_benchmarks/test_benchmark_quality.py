# Copyright (c) mmweakseg contributors. All rights reserved.
"""The quality benchmark: its table and config helpers, and the command on
tiny demo data (1 epoch; its figures are printed, not checked)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmseg.registry import MODELS

import mmweakseg  # noqa: F401
from mmweakseg.benchmarks import (QualityRow, average_rows, cam_rows,
                                  format_method_gaps, format_quality_table,
                                  iou_row, model_row_name, retrained_row_name)
from mmweakseg.datasets import make_demo_dataset
from mmweakseg.workflows import (configure_retraining, match_test_refinement,
                                 set_cam_checkpoint, set_training_budget)

REPO = Path(__file__).parents[2]
CLASSES = ('background', 'cat')


def test_rows_from_test_metrics():
    metrics = {
        'mIoU': 40.0,
        'IoU.background': 60.0,
        'IoU.cat': 20.0,
        'sweep/best_threshold': 0.65,
        'sweep/best_mIoU': 45.0,
        'sweep/best_IoU.background': 70.0,
        'sweep/best_IoU.cat': 20.0
    }
    configured, best = cam_rows(metrics, CLASSES, 0.2)
    assert configured == QualityRow('CAM (threshold 0.2)', 40.0,
                                    dict(background=60.0, cat=20.0))
    assert best == QualityRow('CAM (best threshold 0.65)', 45.0,
                              dict(background=70.0, cat=20.0))
    assert iou_row('method', metrics, CLASSES).miou == 40.0


def test_retrained_row_says_whether_it_is_refined():
    model = dict(
        type='RefinedEncoderDecoder',
        decode_head=dict(type='FCNHead'),
        test_cfg=dict(
            mode='whole', refine=dict(type='PixelAdaptiveRefinement')))
    assert retrained_row_name(model) == ('retrained (FCNHead on '
                                         'pseudo-labels, refined)')
    model['test_cfg']['refine'] = None  # --cfg-options ...refine=None
    assert retrained_row_name(model) == 'retrained (FCNHead on pseudo-labels)'
    assert retrained_row_name(
        dict(type='EncoderDecoder', decode_head=dict(type='UPerHead'))) == (
            'retrained (UPerHead on pseudo-labels)')


def test_method_and_supervised_rows_say_whether_they_are_refined():
    refined = dict(test_cfg=dict(refine=dict(type='PixelAdaptiveRefinement')))
    assert model_row_name('method', refined) == 'method (refined)'
    assert model_row_name('supervised', dict(test_cfg=dict(
        refine=None))) == 'supervised'
    assert model_row_name('supervised', dict(type='EncoderDecoder')) == (
        'supervised')


def test_supervised_bound_is_tested_like_the_method():
    refine = dict(type='PixelAdaptiveRefinement', num_iter=3)
    method = Config(
        dict(
            model=dict(
                type='ReconstructionSegmentor',
                test_cfg=dict(mode='whole', refine=refine))))
    supervised = Config(
        dict(
            model=dict(
                type='ReconstructionSegmentor', test_cfg=dict(mode='whole'))))
    match_test_refinement(supervised, method)
    assert supervised.model.test_cfg == dict(mode='whole', refine=refine)
    supervised.model.test_cfg.refine.num_iter = 10  # a copy, not shared
    assert method.model.test_cfg.refine.num_iter == 3

    # a method tested plain: so is the bound, whatever its config said
    plain_method = Config(dict(model=dict(type='ReconstructionSegmentor')))
    assert match_test_refinement(supervised,
                                 plain_method).model.test_cfg == dict(
                                     mode='whole')
    encoder_decoder = Config(dict(model=dict(type='EncoderDecoder')))
    assert 'test_cfg' not in match_test_refinement(encoder_decoder,
                                                   plain_method).model

    # mmseg's EncoderDecoder would ignore test_cfg.refine: refuse it
    with pytest.raises(ValueError, match="'EncoderDecoder' ignores"):
        match_test_refinement(encoder_decoder, method)
    refined_encoder_decoder = Config(
        dict(model=dict(type='RefinedEncoderDecoder')))
    assert match_test_refinement(refined_encoder_decoder,
                                 method).model.test_cfg.refine == refine


def test_table_and_gaps():
    method = QualityRow('method', 60.0, dict(background=80.0, cat=40.0))
    cam = QualityRow('CAM', 45.5, dict(background=70.0, cat=21.0))
    supervised = QualityRow('supervised', 80.0, dict(background=90., cat=70.))
    table = format_quality_table([method, cam, supervised], CLASSES,
                                 supervised)
    lines = table.splitlines()
    assert [cell.strip() for cell in lines[1].split('|')[1:-1]] == [
        'model', 'mIoU', 'IoU background', 'IoU cat', '/ supervised'
    ]
    assert [cell.strip() for cell in lines[3].split('|')[1:-1]
            ] == ['method', '60.00', '80.00', '40.00', '0.75']
    assert [cell.strip() for cell in lines[5].split('|')[1:-1]
            ] == ['supervised', '80.00', '90.00', '70.00', '1.00']
    assert 'supervised' not in format_quality_table([method], CLASSES)
    assert format_method_gaps(method, [cam], supervised).splitlines() == [
        'method - CAM: +14.50 mIoU', 'method / supervised: 0.75 of its mIoU'
    ]


def test_rows_over_seeds():
    rows = [
        QualityRow('method', miou, dict(background=bg, cat=cat))
        for miou, bg, cat in ((40., 60., 20.), (44., 62., 26.), (48., 70.,
                                                                 26.))
    ]
    mean = average_rows('method', rows)
    assert (mean.miou, mean.miou_std, mean.seed_mious) == (44., 4.,
                                                           [40., 44., 48.])
    assert mean.class_iou == dict(background=64., cat=24.)
    assert mean.format_miou() == '44.00 +- 4.00'
    assert rows[0].format_miou() == '40.00'
    row = format_quality_table([mean], CLASSES).splitlines()[3]
    assert [cell.strip() for cell in row.split('|')[1:-1]
            ] == ['method', '44.00 +- 4.00', '64.00', '24.00']
    single = average_rows('one seed', rows[:1])
    assert (single.miou, single.miou_std, single.seed_mious) == (40., None,
                                                                 [40.])
    assert single.format_miou() == '40.00'
    with pytest.raises(ValueError, match='at least 1'):
        average_rows('method', [])


def test_training_budget_and_cam_checkpoint():
    cfg = Config(
        dict(
            train_cfg=dict(max_epochs=20),
            default_hooks=dict(checkpoint=dict(save_best='mIoU'))))
    set_training_budget(cfg, 3)
    assert cfg.train_cfg.max_epochs == 3
    assert cfg.default_hooks.checkpoint.save_best is None
    with pytest.raises(ValueError, match='>= 1'):
        set_training_budget(cfg, 0)
    cam = set_cam_checkpoint(
        Config(dict(model=dict(type='CAMSegmentor'))), 'stage1.pth')
    assert cam.model.checkpoint == 'stage1.pth'
    with pytest.raises(ValueError, match="'CAMSegmentor'"):
        set_cam_checkpoint(
            Config(dict(model=dict(type='TagClassifier'))), 'stage1.pth')


def tiny_stage1(path: Path) -> str:
    """A stage-1 checkpoint of an untrained tiny ResNet classifier (the
    default CAM config dilates a ResNet), saved as the runner does (its
    config in ``meta``) for the demo classes."""
    classifier = dict(
        type='TagClassifier',
        num_classes=4,
        background_index=0,
        in_channels=32,
        backbone=dict(
            type='ResNet', depth=18, stem_channels=4, base_channels=4))
    torch.save(
        dict(
            state_dict=MODELS.build(classifier).state_dict(),
            meta=dict(cfg=Config(dict(model=classifier)).pretty_text)), path)
    return str(path)


def test_command_on_tiny_data(tmp_path):
    data_root = tmp_path / 'demo'
    make_demo_dataset(str(data_root), num_train=4, num_val=2, size=32, seed=1)
    work_dir = tmp_path / 'benchmark'
    loaders = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loaders += [
            f'{loader}.batch_size=2', f'{loader}.num_workers=0',
            f'{loader}.persistent_workers=False'
        ]
    result = subprocess.run([
        sys.executable, 'tools/analysis_tools/benchmark_quality.py',
        str(data_root), '--work-dir',
        str(work_dir), '--epochs', '1', '--stage1-checkpoint',
        tiny_stage1(tmp_path / 'stage1.pth'), '--cfg-options', *loaders,
        '--seg-cfg-options', 'model.backbone.base_channels=2',
        '--sup-cfg-options', 'model.backbone.base_channels=2',
        '--retrain-cfg-options', 'train_cfg.max_iters=2',
        'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2'
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]

    table = output[output.index('=' * 72):]
    print(table)
    # the demo config refines its masks at test time, so the bound is
    # tested with the same refinement
    for row in ('method (refined)',
                'retrained (FCNHead on pseudo-labels, refined)',
                'CAM (threshold 0.2)', 'CAM (best threshold',
                'supervised (refined)'):
        assert f'| {row}' in table
    assert '| IoU triangle |' in table
    assert 'method (refined) / supervised (refined):' in table
    assert ('retrained (FCNHead on pseudo-labels, refined) - CAM '
            '(threshold 0.2):') in table
    assert ('trained 1 epochs, retrained model 2 iterations, last checkpoint '
            'tested' in table)
    for name in ('segmentor', 'supervised'):
        dumped = Config.fromfile(work_dir / f'{name}.py')
        assert dumped.train_cfg.max_epochs == 1
        assert dumped.default_hooks.checkpoint.save_best is None
        assert dumped.model.backbone.base_channels == 2
        assert (work_dir / name / 'epoch_1.pth').is_file()
        assert dumped.model.test_cfg.refine.type == 'PixelAdaptiveRefinement'
    retrained = Config.fromfile(work_dir / 'retrained.py')
    assert retrained.default_hooks.checkpoint.save_best is None
    assert retrained.model.decode_head.num_classes == 4
    pseudo_label_root = work_dir / 'pseudo_labels'
    assert retrained.train_dataloader.dataset.data_root == str(
        pseudo_label_root)
    assert retrained.val_dataloader.dataset.data_root == str(data_root)
    assert (work_dir / 'retrained' / 'iter_2.pth').is_file()
    pseudo = json.loads(
        (pseudo_label_root / 'annotations' / 'train.json').read_text())
    assert len(pseudo['data_list']) == 4
    assert Config.fromfile(work_dir / 'cam.py').model.checkpoint == \
        str(tmp_path / 'stage1.pth')


@pytest.mark.parametrize('auxiliary', [None, dict(num_classes=19), [
    dict(num_classes=19), dict(num_classes=19)
]])
def test_pseudo_label_stage_sets_data_and_heads(auxiliary):
    pipeline = [dict(type='LoadRGBImageFromFile')]
    loaders = {
        loader: dict(dataset=dict(type='OldDataset', pipeline=pipeline))
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader')
    }
    model = dict(type='EncoderDecoder', decode_head=dict(num_classes=19))
    if auxiliary is not None:
        model['auxiliary_head'] = auxiliary
    cfg = Config(
        dict(
            model=model,
            default_hooks=dict(checkpoint=dict(save_best='mIoU')),
            **loaders))
    val = dict(type='WeakTagDataset', data_root='data/real',
               ann_file='annotations/val.json')
    configure_retraining(cfg, 'work/pseudo', val, list(CLASSES))

    train = cfg.train_dataloader.dataset
    assert (train.type, train.data_root, train.ann_file) == (
        'WeakTagDataset', 'work/pseudo', 'annotations/train.json')
    assert train.metainfo.classes == list(CLASSES)
    assert train.pipeline == pipeline
    for loader in ('val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.data_root == 'data/real'
        assert cfg[loader].dataset.ann_file == 'annotations/val.json'
    heads = [cfg.model.decode_head]
    if auxiliary is not None:
        aux = cfg.model.auxiliary_head
        heads += aux if isinstance(aux, list) else [aux]
    assert [head.num_classes for head in heads] == [2] * len(heads)
    assert 'num_classes' not in cfg.model
    assert cfg.default_hooks.checkpoint.save_best is None
