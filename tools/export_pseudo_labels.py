# Copyright (c) mmweakseg contributors. All rights reserved.
"""Export a segmentor's predictions on a dataset split as pseudo-labels.

The images of the config's ``<split>_dataloader`` dataset are segmented and
written to ``OUT/masks/<split>/`` with a new annotation file
``OUT/annotations/<split>.json`` (original images and tags, pseudo masks) for
training a standard segmentation model in stage 2, e.g.
``configs/retrained/fcn_r18-w16-d8_1xb16-1k_weak-demo-pseudo-64x64.py``. By
default each pixel's class is chosen among the image's tags only (the tags
are known for the whole split); ``--no-tag-restriction`` keeps the plain
argmax. ``--min-confidence P`` writes pixels whose class probability is
below P as 255 (an ignore band the second stage does not train on);
refinement of the masks is an option of the model's config
(``--cfg-options model.test_cfg.refine.type=PixelAdaptiveRefinement``).

Every image is decoded before anything is written: an unreadable one stops
the command with its name and nothing is written, or with ``--skip-bad``
the others are exported (the annotation file lists those only) and the
skipped files are listed with their count.

Example::

    python tools/export_pseudo_labels.py \\
        configs/recon_decomp/recdec_unet-w16_1xb8-10e_weak-demo-64x64.py \\
        work_dirs/recdec_unet-w16_1xb8-10e_weak-demo-64x64/epoch_10.pth \\
        --split train --out-dir data/weak_demo_pseudo
"""
import argparse
import sys

import mmweakseg  # noqa: F401  (registers components, fixes checkpoints)
from mmweakseg.apis import export_pseudo_labels, init_weak_segmentor
from mmweakseg.apis.inference import check_images, format_skipped
from mmweakseg.datasets import build_dataset_from_config
from mmweakseg.utils import add_model_args


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Export pseudo-label masks and annotation file of a split')
    add_model_args(parser)
    parser.add_argument(
        '--split',
        choices=['train', 'val'],
        default='train',
        help='dataset of train_dataloader or val_dataloader')
    parser.add_argument(
        '--out-dir',
        required=True,
        help='folder to write masks/<split>/ and annotations/<split>.json to')
    parser.add_argument(
        '--no-tag-restriction',
        dest='tag_restricted',
        action='store_false',
        help='let pixels take classes the image is not tagged with')
    parser.add_argument(
        '--min-confidence',
        type=float,
        default=0.,
        help='ignore (255) pixels whose class probability is below this')
    parser.add_argument(
        '--batch-size', type=int, default=8, help='images per forward pass')
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='export the readable images and list the unreadable ones '
        '(default: stop before writing anything)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        model = init_weak_segmentor(args.config, args.checkpoint,
                                    args.device, args.cfg_options)
        dataset = build_dataset_from_config(model.cfg, args.split)
        image_paths = [
            dataset.get_data_info(index)['img_path']
            for index in range(len(dataset))
        ]
        readable, skipped = check_images(image_paths, args.skip_bad)
        if skipped:
            dataset = dataset.get_subset(readable)
        ann_file = export_pseudo_labels(model, dataset, args.out_dir,
                                        args.split, args.tag_restricted,
                                        args.batch_size, args.min_confidence)
    except (FileNotFoundError, ValueError) as error:  # incl. WeakTagDataError
        sys.exit(f'export_pseudo_labels.py: error: {error}')
    print(f'wrote {len(dataset)} pseudo-label masks and {ann_file}')
    if skipped:
        print(format_skipped(skipped))


if __name__ == '__main__':
    main()
