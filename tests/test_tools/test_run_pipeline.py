# Copyright (c) mmweakseg contributors. All rights reserved.
"""``tools/run_pipeline.py`` end to end on tiny data (photos of mixed sizes:
check, classifier, segmentor, pseudo-labels, retrained model, CAM,
evaluation, figures and curves, final table; a rerun that recomputes
nothing; then ``tools/inference.py``), on data without masks, and its
errors before training."""
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Tuple

import numpy as np
import pytest
from PIL import Image

from mmweakseg.datasets import make_demo_dataset

REPO = Path(__file__).parents[2]


def loader_options() -> list:
    options = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [
            f'{loader}.batch_size=4', f'{loader}.num_workers=0',
            f'{loader}.persistent_workers=False'
        ]
    return options + ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1']


def write_photo_dataset(root: Path, with_masks: bool = True) -> None:
    """Photos as users have them, in the annotation layout: several sizes
    and aspect ratios, a 1 x 1 image, and a phone photo stored landscape
    with EXIF orientation 6 (displayed portrait) whose mask is drawn on the
    displayed photo. Classes ``['cat', 'sky']``: the background is named
    ``sky`` in the file and stands last. Without ``with_masks`` the
    annotation files name no mask."""
    rng = np.random.default_rng(0)
    exif = Image.Exif()
    exif[0x0112] = 6  # displayed rotated 90 degrees clockwise
    sizes = dict(
        train=[(64, 64), (48, 80), (100, 30), (1, 1), 'exif', (64, 64)],
        val=[(50, 70), (1, 1), 'exif', (64, 64)])
    for split, split_sizes in sizes.items():
        entries = []
        for index, size in enumerate(split_sizes):
            stored = (24, 40) if size == 'exif' else size
            displayed = (40, 24) if size == 'exif' else size
            image = rng.integers(0, 120, (*stored, 3), dtype=np.uint8)
            mask = np.ones(displayed, np.uint8)  # sky
            has_cat = index % 2 == 0 and min(displayed) > 1
            if has_cat:
                height, width = displayed
                mask[height // 4:height // 2, width // 4:width // 2] = 0
            name = f'{split}_{index}'
            image_path = root / 'images' / f'{name}.jpg'
            image_path.parent.mkdir(parents=True, exist_ok=True)
            if size == 'exif':
                rotated_back = np.rot90(mask, k=1)  # the stored orientation
                image[rotated_back == 0] = 250
                Image.fromarray(image).save(image_path, exif=exif.tobytes())
            else:
                image[mask == 0] = 250
                Image.fromarray(image).save(image_path)
            mask_path = root / 'masks' / f'{name}.png'
            mask_path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(mask).save(mask_path)
            entry = dict(
                img_path=f'images/{name}.jpg', tags=['cat'] if has_cat else [])
            if with_masks:
                entry['seg_map_path'] = f'masks/{name}.png'
            entries.append(entry)
        ann_file = root / 'annotations' / f'{split}.json'
        ann_file.parent.mkdir(parents=True, exist_ok=True)
        ann_file.write_text(
            json.dumps(
                dict(
                    metainfo=dict(classes=['cat', 'sky'], background='sky'),
                    data_list=entries)))


def run_pipeline(data_root: Path,
                 work_dir: Path,
                 *options,
                 health_check: bool = False,
                 budget: str = 'config') -> Tuple[str, int]:
    """Run ``tools/run_pipeline.py`` with tiny models and budgets (1
    epoch, 2 iterations of the retrained model; ``budget='auto'`` scales
    them to the data); return its output and exit code. A classifier
    trained 1 epoch on a few images is near chance, so the health check is
    skipped unless asked for."""
    options += ('--budget', budget)
    if not health_check:
        options += ('--skip-health-check', )
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / 'tools' / 'run_pipeline.py'),
            str(data_root), '--work-dir',
            str(work_dir), '--num-figures', '2', *options,
            '--cls-cfg-options', 'model.backbone.stem_channels=8',
            'model.backbone.base_channels=8', 'model.in_channels=64',
            *loader_options(), '--seg-cfg-options',
            'model.backbone.base_channels=4', 'custom_hooks=[]',
            *loader_options(), '--retrain-cfg-options',
            'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
            'default_hooks.checkpoint.interval=2',
            *loader_options()[:-2], '--cam-cfg-options', *[
                option for option in loader_options()[:-2]
                if not option.startswith('train_dataloader')
            ]
        ],
        cwd=REPO,
        capture_output=True,
        text=True)
    return result.stdout + result.stderr, result.returncode


def test_pipeline_on_mixed_size_photos(tmp_path):
    data_root = tmp_path / 'photos'
    write_photo_dataset(data_root)
    work_dir = tmp_path / 'work'

    output, returncode = run_pipeline(data_root, work_dir)

    assert returncode == 0, output[-4000:]
    assert 'note: mixed image sizes: 5 different' in output
    assert '1 image(s) with an EXIF orientation' in output
    assert 'image(s) smaller than the crop 64 x 64' in output
    assert 'classifier health: val mAP' in output
    assert (work_dir / 'classifier' / 'test_train_split').is_dir()
    table = output[output.index('=' * 72):]
    assert re.search(r'classifier: mAP +[0-9.]+ ', table), table
    assert 'val split: 4 images, 4 with a mask' in table
    for row in ('segmentor (method)',
                'retrained (FCNHead on pseudo-labels, refined)',
                'CAM (threshold 0.2)', 'CAM (best threshold'):
        assert re.search(rf'\| {re.escape(row)}[^|]*\| +[0-9.]+ \|',
                         table), table
    assert 'IoU sky' in table and 'IoU cat' in table
    for name in ('classifier', 'segmentor', 'retrained', 'cam'):
        assert (work_dir / f'{name}.py').is_file()
    pseudo_labels = work_dir / 'pseudo_labels'
    assert (pseudo_labels / 'annotations' / 'train.json').is_file()
    assert (work_dir / 'retrained' / 'iter_2.pth').is_file()
    for split in ('train', 'val'):
        assert (work_dir / 'figures' / f'grid_{split}.png').is_file()
    for stage in ('classifier', 'segmentor', 'retrained'):
        assert (work_dir / 'figures' / f'curves_{stage}.png').is_file()

    # a second run finds every stage finished: nothing is trained or tested
    again, returncode = run_pipeline(data_root, work_dir)
    assert returncode == 0, again[-4000:]
    assert 'Epoch(train)' not in again and 'Iter(train)' not in again
    assert 'tools/test.py' not in again and 'export_pseudo_labels' not in again
    assert again[again.index('=' * 72):].split('total time')[0] == \
        table.split('total time')[0]

    # the trained segmentor on every val photo, 1 x 1 included: masks at
    # the displayed size
    checkpoint = re.search(r'segmentor: tag mAP .*\((.*\.pth)\)',
                           output).group(1)
    out_dir = tmp_path / 'inference'
    result = subprocess.run([
        sys.executable,
        str(REPO / 'tools' / 'inference.py'),
        str(work_dir / 'segmentor.py'), checkpoint,
        str(data_root / 'images'), '--out-dir',
        str(out_dir)
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    for name, size in (('val_0', (50, 70)), ('val_1', (1, 1)),
                       ('val_2', (40, 24)), ('train_2', (100, 30))):
        with Image.open(out_dir / 'masks' / f'{name}.png') as mask:
            assert mask.size[::-1] == size


def test_pipeline_without_masks(tmp_path):
    """Tag-only data: every stage trains, the tag metrics are reported, no
    mIoU is made up and the CAM reference is skipped. The budgets follow
    the 6 training images and are printed when each stage starts."""
    data_root = tmp_path / 'photos'
    write_photo_dataset(data_root, with_masks=False)
    work_dir = tmp_path / 'work'

    output, returncode = run_pipeline(data_root, work_dir, budget='auto')

    assert returncode == 0, output[-4000:]
    # the configs' 1 epoch of 250 batches of 4 is set for 1,000 images:
    # 250 * sqrt(6 / 1000) = 19 iterations, 2 per epoch -> 10 epochs
    for stage in ('classifier', 'segmentor'):
        assert (f'{stage} budget: 10 epochs = 20 iterations of batch 4 on 6 '
                'training images (scaled from the config\'s 1 epoch for '
                '1,000 images by sqrt(6 / 1,000))') in output
    assert len(re.findall(r'Epoch\(train\) +\[10\]\[2/2\]', output)) == 2
    # 2 iterations * sqrt(6 / 1000) rounds to 0: at least 1 is trained
    assert 'retrained budget: 1 iteration of batch 4 on 6' in output
    table = output[output.index('=' * 72):]
    assert 'val split: 4 images, 0 with a mask' in table
    assert re.search(r'segmentor: tag mAP +[0-9.]+ ', table), table
    assert 'no val masks: no mIoU' in table
    assert 'mIoU' not in table.replace('no mIoU', '')
    assert (work_dir / 'retrained' / 'iter_1.pth').is_file()
    assert not (work_dir / 'cam').exists()
    assert (work_dir / 'figures' / 'curves_retrained.png').is_file()


def test_pipeline_stops_after_a_near_chance_classifier(tmp_path):
    """Every val image is the same picture under different tags: any
    classifier ranks them at chance, and the pipeline stops before the
    segmentor with the health report, keeping the classifier."""
    data_root = tmp_path / 'demo'
    make_demo_dataset(str(data_root), num_train=8, num_val=6, size=32)
    val_images = sorted((data_root / 'images' / 'val').glob('*.png'))
    for image in val_images[1:]:
        image.write_bytes(val_images[0].read_bytes())
    work_dir = tmp_path / 'work'

    output, returncode = run_pipeline(data_root, work_dir, health_check=True)

    assert returncode == 1, output[-3000:]
    assert 'Traceback' not in output, output[-3000:]
    # AP = chance up to the metric's rounding of AP to 2 decimals
    skill = re.search(r'PROBLEM: the val APs are close to chance: mean skill '
                      r'(-?[0-9.]+)', output)
    assert skill and abs(float(skill.group(1))) <= 0.01, output[-3000:]
    assert 'what to change:' in output
    assert 'run_pipeline.py: error: the classifier is not good enough' \
        in output
    assert (work_dir / 'classifier' / 'training_finished').is_file()
    assert not (work_dir / 'segmentor').exists()


@pytest.mark.parametrize('case', ['missing_root', 'unknown_background',
                                  'bad_work_dir'])
def test_pipeline_errors_are_messages(tmp_path, case):
    """Failures before training: the checker's or loader's message, exit
    code 1, no traceback and no work dir left behind."""
    data_root = tmp_path / 'photos'
    work_dir = tmp_path / 'work'
    expected = []
    if case == 'missing_root':
        data_root = tmp_path / 'no_such_folder'
        expected = [str(data_root), 'cannot read annotation file']
    elif case == 'unknown_background':
        make_demo_dataset(str(data_root), num_train=2, num_val=2, size=32)
        ann_file = data_root / 'annotations' / 'train.json'
        annotation = json.loads(ann_file.read_text())
        annotation['metainfo']['background'] = 'sky'
        ann_file.write_text(json.dumps(annotation))
        expected = [str(ann_file), "unknown background class 'sky'"]
    else:
        make_demo_dataset(str(data_root), num_train=2, num_val=2, size=32)
        (tmp_path / 'a_file').write_text('')
        work_dir = tmp_path / 'a_file' / 'work'
        expected = ['cannot create the work dir', str(work_dir)]

    output, returncode = run_pipeline(data_root, work_dir)

    assert returncode == 1, output[-3000:]
    assert 'Traceback' not in output, output[-3000:]
    assert 'run_pipeline.py: error:' in output
    for text in expected:
        assert text in output, output[-3000:]
    assert not work_dir.exists()
