# Copyright (c) mmweakseg contributors. All rights reserved.
"""Segment a folder of images with a trained segmentor.

Every image under INPUT_DIR (recursively; JPEG, PNG, BMP, WebP, TIFF; any
size and mode: grayscale, RGBA, palette and 16-bit are converted to RGB)
goes through the config's test pipeline; predictions come back at the
image's own size. Writes ``OUT/masks/<name>.png``, palette PNGs of class
indices (usable as pseudo-labels), and with ``--overlay``
``OUT/overlays/<name>.png``, where ``<name>`` is the image's path under
INPUT_DIR with the suffix ``.png``.

Every image is decoded before anything is written: an unreadable one
(corrupt, empty, ...) stops the command with its name and nothing is
written, or with ``--skip-bad`` the others are segmented and the skipped
files are listed with their count.

Example::

    python tools/inference.py \\
        configs/recon_decomp/recdec_unet-w16_1xb8-10e_weak-demo-64x64.py \\
        work_dirs/recdec_unet-w16_1xb8-10e_weak-demo-64x64/epoch_10.pth \\
        data/weak_demo/images/val --out-dir work_dirs/inference --overlay
"""
import argparse
import sys

import mmweakseg  # noqa: F401  (registers components, fixes checkpoints)
from mmweakseg.apis import init_weak_segmentor, segment_folder
from mmweakseg.apis.inference import check_images, find_images, format_skipped
from mmweakseg.utils import add_model_args


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Segment a folder of images, writing label-map PNGs')
    add_model_args(parser)
    parser.add_argument('input_dir', help='folder of images (recursive)')
    parser.add_argument(
        '--out-dir', required=True, help='folder to write masks/ to')
    parser.add_argument(
        '--overlay',
        action='store_true',
        help='also write overlays/ (the images with the classes coloured)')
    parser.add_argument(
        '--opacity', type=float, default=0.5, help='overlay opacity')
    parser.add_argument(
        '--batch-size', type=int, default=8, help='images per forward pass')
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='segment the readable images and list the unreadable ones '
        '(default: stop before writing anything)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        image_paths = find_images(args.input_dir)
        readable, skipped = check_images(image_paths, args.skip_bad)
        model = init_weak_segmentor(args.config, args.checkpoint,
                                    args.device, args.cfg_options)
        mask_paths = segment_folder(
            model,
            args.input_dir,
            args.out_dir,
            args.overlay,
            args.opacity,
            args.batch_size,
            image_paths=[image_paths[index] for index in readable])
    except (FileNotFoundError, ValueError) as error:  # incl. WeakTagDataError
        sys.exit(f'inference.py: error: {error}')
    print(f'wrote {len(mask_paths)} label maps to {args.out_dir}/masks' + (
        f' and overlays to {args.out_dir}/overlays' if args.overlay else ''))
    if skipped:
        print(format_skipped(skipped))


if __name__ == '__main__':
    main()
