# Copyright (c) mmweakseg contributors. All rights reserved.
"""The paper's dog / not-dog data set (Sec. 4.1) drawn from ImageNet-1k's
training folders, for ``tools/dataset_converters/imagenet_dog.py``."""
import os
import os.path as osp
import re
import shutil
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

from mmweakseg.utils import is_image_file
from ..annotation_file import dump_annotation_file
from .errors import DatasetConversionError

# ImageNet-1k class indices 151 to 268: the 118 dog classes, from Chihuahua
# (n02085620) to Mexican hairless (n02113978). ImageNet's class index is the
# position of the WordNet ID in the sorted list of the 1000 IDs, so these are
# exactly the IDs between those two in sorted order.
DOG_WNIDS = ('n02085620', 'n02085782', 'n02085936', 'n02086079', 'n02086240',
             'n02086646', 'n02086910', 'n02087046', 'n02087394', 'n02088094',
             'n02088238', 'n02088364', 'n02088466', 'n02088632', 'n02089078',
             'n02089867', 'n02089973', 'n02090379', 'n02090622', 'n02090721',
             'n02091032', 'n02091134', 'n02091244', 'n02091467', 'n02091635',
             'n02091831', 'n02092002', 'n02092339', 'n02093256', 'n02093428',
             'n02093647', 'n02093754', 'n02093859', 'n02093991', 'n02094114',
             'n02094258', 'n02094433', 'n02095314', 'n02095570', 'n02095889',
             'n02096051', 'n02096177', 'n02096294', 'n02096437', 'n02096585',
             'n02097047', 'n02097130', 'n02097209', 'n02097298', 'n02097474',
             'n02097658', 'n02098105', 'n02098286', 'n02098413', 'n02099267',
             'n02099429', 'n02099601', 'n02099712', 'n02099849', 'n02100236',
             'n02100583', 'n02100735', 'n02100877', 'n02101006', 'n02101388',
             'n02101556', 'n02102040', 'n02102177', 'n02102318', 'n02102480',
             'n02102973', 'n02104029', 'n02104365', 'n02105056', 'n02105162',
             'n02105251', 'n02105412', 'n02105505', 'n02105641', 'n02105855',
             'n02106030', 'n02106166', 'n02106382', 'n02106550', 'n02106662',
             'n02107142', 'n02107312', 'n02107574', 'n02107683', 'n02107908',
             'n02108000', 'n02108089', 'n02108422', 'n02108551', 'n02108915',
             'n02109047', 'n02109525', 'n02109961', 'n02110063', 'n02110185',
             'n02110341', 'n02110627', 'n02110806', 'n02110958', 'n02111129',
             'n02111277', 'n02111500', 'n02111889', 'n02112018', 'n02112137',
             'n02112350', 'n02112706', 'n02113023', 'n02113186', 'n02113624',
             'n02113712', 'n02113799', 'n02113978')
FIRST_DOG_INDEX = 151
NUM_IMAGENET_CLASSES = 1000
WNID_PATTERN = re.compile(r'n\d{8}')
# The paper's label vector y = [dog, background]: background last.
DOG, BACKGROUND = 'dog', 'background'
CLASSES = (DOG, BACKGROUND)
SPLITS = ('train', 'val')


@dataclass
class ImageNetDogSummary:
    """What :func:`convert_imagenet_dog` found and wrote.

    Attributes:
        num_class_folders (int): WordNet-ID folders in the source.
        dog_wnids (list[str]): The dog folders found.
        num_dog_images (int): Images in the dog folders.
        num_other_images (int): Images in the other folders.
        empty_folders (list[str]): WordNet-ID folders without images.
        counts (dict): ``{split: (dog images, not-dog images)}``.
        out_dir (str): The output folder.
    """
    num_class_folders: int
    dog_wnids: List[str]
    num_dog_images: int
    num_other_images: int
    empty_folders: List[str] = field(default_factory=list)
    counts: Dict[str, Tuple[int, int]] = field(default_factory=dict)
    out_dir: str = ''

    def format(self) -> str:
        """Human-readable summary."""
        lines = [
            f'class folders: {self.num_class_folders} '
            f'({len(self.dog_wnids)} dog classes)',
            f'source images: {self.num_dog_images} dog, '
            f'{self.num_other_images} not-dog'
        ]
        if self.empty_folders:
            lines.append(f'folders without images ({len(self.empty_folders)})'
                         f': {" ".join(self.empty_folders[:10])}' +
                         (' ...' if len(self.empty_folders) > 10 else ''))
        for split, (num_dog, num_other) in self.counts.items():
            lines.append(f'{split}: {num_dog + num_other} images '
                         f'({num_dog} dog, {num_other} not-dog) -> '
                         f'{osp.join(self.out_dir, "annotations", split)}'
                         '.json')
        return '\n'.join(lines)


def list_wnid_folders(train_dir: str) -> List[str]:
    """Sorted WordNet-ID folder names (``n`` and 8 digits) in
    ``train_dir``; other entries are ignored.

    Raises:
        DatasetConversionError: ``train_dir`` is missing or holds no
            WordNet-ID folder.
    """
    if not osp.isdir(train_dir):
        raise DatasetConversionError(
            f'{train_dir}: ImageNet training folder does not exist; '
            'expected the folder holding one sub-folder per WordNet ID '
            '(e.g. ILSVRC/Data/CLS-LOC/train)')
    wnids = sorted(
        name for name in os.listdir(train_dir) if WNID_PATTERN.fullmatch(name)
        and osp.isdir(osp.join(train_dir, name)))
    if not wnids:
        raise DatasetConversionError(
            f'{train_dir}: no WordNet-ID folder found; expected sub-folders '
            'named like n02085620 (ImageNet-1k training layout)')
    return wnids


def split_dog_wnids(wnids: Sequence[str],
                    train_dir: str = '') -> Tuple[List[str], List[str]]:
    """Split sorted WordNet IDs into dog and not-dog classes.

    With all 1000 ImageNet-1k folders, positions 151 to 268 of the sorted
    IDs must be exactly :data:`DOG_WNIDS` (ImageNet's class indices); with
    fewer folders (a subset), the dog classes are those in
    :data:`DOG_WNIDS`.

    Args:
        wnids (Sequence[str]): Sorted WordNet IDs of the class folders.
        train_dir (str): The source folder, for messages.

    Returns:
        tuple[list[str], list[str]]: Dog and not-dog WordNet IDs.

    Raises:
        DatasetConversionError: 1000 folders whose class indices 151-268
            are not the dogs, or no dog or no not-dog folder.
    """
    if len(wnids) == NUM_IMAGENET_CLASSES:
        last = FIRST_DOG_INDEX + len(DOG_WNIDS)
        if tuple(wnids[FIRST_DOG_INDEX:last]) != DOG_WNIDS:
            raise DatasetConversionError(
                f'{train_dir}: {NUM_IMAGENET_CLASSES} class folders, but '
                f'sorted folders {FIRST_DOG_INDEX}-{last - 1} are '
                f'{wnids[FIRST_DOG_INDEX]}..{wnids[last - 1]}; expected the '
                f'{len(DOG_WNIDS)} dog classes {DOG_WNIDS[0]}..'
                f'{DOG_WNIDS[-1]} of ImageNet-1k')
    dog_set = set(DOG_WNIDS)
    dogs = [wnid for wnid in wnids if wnid in dog_set]
    others = [wnid for wnid in wnids if wnid not in dog_set]
    if not dogs:
        raise DatasetConversionError(
            f'{train_dir}: none of the {len(DOG_WNIDS)} dog class folders '
            f'({DOG_WNIDS[0]}..{DOG_WNIDS[-1]}) found; expected ImageNet-1k '
            'training folders')
    if not others:
        raise DatasetConversionError(
            f'{train_dir}: only dog class folders found; expected not-dog '
            'classes too')
    return dogs, others


def list_class_images(train_dir: str, wnids: Sequence[str]) -> List[str]:
    """Paths ``<wnid>/<file>`` of the images in the given class folders,
    in sorted order (image files: :func:`~mmweakseg.utils.is_image_file`)."""
    paths = []
    for wnid in wnids:
        paths.extend(f'{wnid}/{name}'
                     for name in sorted(os.listdir(osp.join(train_dir, wnid)))
                     if is_image_file(name))
    return paths


def sample_dog_split(dog_images: Sequence[str],
                     other_images: Sequence[str],
                     num_dog: int,
                     num_other: int,
                     num_val: int,
                     seed: int = 0) -> Dict[str, List[Tuple[str, bool]]]:
    """Draw the dog and not-dog images at random and split them.

    ``num_dog`` images are drawn without replacement from ``dog_images``
    and ``num_other`` from ``other_images``. The split is stratified:
    validation gets ``round(num_val * num_dog / (num_dog + num_other))``
    dog images and the rest of its ``num_val`` from the not-dog draw;
    training gets the other drawn images. Each split lists its dog images
    first, in draw order.

    Args:
        dog_images (Sequence[str]): Candidate dog images.
        other_images (Sequence[str]): Candidate not-dog images.
        num_dog (int): Dog images to draw.
        num_other (int): Not-dog images to draw.
        num_val (int): Validation images.
        seed (int): Seed of the draw. Defaults to 0.

    Returns:
        dict: ``{'train': [(path, is_dog), ...], 'val': [...]}``.

    Raises:
        DatasetConversionError: A count is negative, there are too few
            candidates, or ``num_val`` exceeds the images drawn.
    """
    counts = dict(num_dog=num_dog, num_other=num_other, num_val=num_val)
    negative = {name: value for name, value in counts.items() if value < 0}
    if negative:
        raise DatasetConversionError(
            f'negative image counts {negative}; expected counts >= 0')
    for what, pool, name in (('dog', dog_images, 'num_dog'),
                             ('not-dog', other_images, 'num_other')):
        if len(pool) < counts[name]:
            raise DatasetConversionError(
                f'the {what} class folders hold {len(pool)} images; expected '
                f'at least {name}={counts[name]} to draw from (lower '
                f'--{name.replace("_", "-")})')
    total = num_dog + num_other
    if not 0 < num_val < total:
        raise DatasetConversionError(
            f'num_val={num_val}; expected between 1 and {total - 1} (the '
            'images drawn, leaving some for training)')
    rng = np.random.default_rng(seed)
    dogs = [
        dog_images[i]
        for i in rng.choice(len(dog_images), num_dog, replace=False)
    ]
    others = [
        other_images[i]
        for i in rng.choice(len(other_images), num_other, replace=False)
    ]
    val_dog = int(round(num_val * num_dog / total))
    val_other = num_val - val_dog
    return dict(
        train=[(path, True)
               for path in dogs[val_dog:]] + [(path, False)
                                              for path in others[val_other:]],
        val=[(path, True)
             for path in dogs[:val_dog]] + [(path, False)
                                            for path in others[:val_other]])


def _prepare_out_dir(out_dir: str, overwrite: bool) -> None:
    """Refuse to mix with an earlier conversion unless ``overwrite``, in
    which case its ``images`` and ``annotations`` folders are removed."""
    earlier = [
        osp.join(out_dir, name) for name in ('images', 'annotations')
        if osp.lexists(osp.join(out_dir, name))
    ]
    if earlier and not overwrite:
        raise DatasetConversionError(
            f'{out_dir}: already holds {" and ".join(earlier)}; expected a '
            'new output folder (or pass --overwrite to replace them)')
    for path in earlier:
        shutil.rmtree(path)


def convert_imagenet_dog(train_dir: str,
                         out_dir: str,
                         num_dog: int = 10000,
                         num_other: int = 10000,
                         num_train: int = 16000,
                         num_val: int = 4000,
                         seed: int = 0,
                         copy: bool = False,
                         overwrite: bool = False) -> ImageNetDogSummary:
    """Write the paper's dog / not-dog split in the annotation-file layout.

    .. code-block:: none

        out_dir
        ├── images/{train,val}/<wnid>/<file>   links to (or copies of) the
        │                                      ImageNet images
        └── annotations/{train,val}.json       classes ["dog", "background"]

    Dog images are tagged ``["dog"]`` (y = [1, 1]), the others ``[]``
    (background only, y = [0, 1]); each entry also keeps its ``wnid``. See
    :func:`sample_dog_split` for the draw; the same tree, counts and seed
    give the same files.

    Args:
        train_dir (str): ImageNet-1k training folder (one folder per
            WordNet ID).
        out_dir (str): Output folder.
        num_dog (int): Dog images. Defaults to 10000.
        num_other (int): Not-dog images. Defaults to 10000.
        num_train (int): Training images. Defaults to 16000.
        num_val (int): Validation images. Defaults to 4000.
        seed (int): Seed of the draw. Defaults to 0.
        copy (bool): Copy the images instead of linking them (absolute
            symbolic links). Defaults to False.
        overwrite (bool): Replace an earlier conversion in ``out_dir``.
            Defaults to False.

    Returns:
        ImageNetDogSummary: What was found and written.

    Raises:
        DatasetConversionError: The source is not an ImageNet training
            folder, has too few images, the counts do not add up, or
            ``out_dir`` holds an earlier conversion.
    """
    if num_train + num_val != num_dog + num_other:
        raise DatasetConversionError(
            f'num_train + num_val = {num_train} + {num_val}; expected '
            f'num_dog + num_other = {num_dog + num_other} (every drawn image '
            'goes to one split)')
    wnids = list_wnid_folders(train_dir)
    dog_wnids, other_wnids = split_dog_wnids(wnids, train_dir)
    dog_images = list_class_images(train_dir, dog_wnids)
    other_images = list_class_images(train_dir, other_wnids)
    with_images = {path.split('/', 1)[0] for path in dog_images + other_images}
    summary = ImageNetDogSummary(
        num_class_folders=len(wnids),
        dog_wnids=dog_wnids,
        num_dog_images=len(dog_images),
        num_other_images=len(other_images),
        empty_folders=[wnid for wnid in wnids if wnid not in with_images],
        out_dir=out_dir)
    splits = sample_dog_split(dog_images, other_images, num_dog, num_other,
                              num_val, seed)

    _prepare_out_dir(out_dir, overwrite)
    place = shutil.copyfile if copy else os.symlink
    for split in SPLITS:
        data_list = []
        for path, is_dog in splits[split]:
            img_path = f'images/{split}/{path}'
            target = osp.join(out_dir, img_path)
            os.makedirs(osp.dirname(target), exist_ok=True)
            place(osp.abspath(osp.join(train_dir, path)), target)
            data_list.append(
                dict(
                    img_path=img_path,
                    tags=[DOG] if is_dog else [],
                    wnid=path.split('/', 1)[0]))
        dump_annotation_file(
            osp.join(out_dir, 'annotations', f'{split}.json'),
            CLASSES,
            data_list,
            background=BACKGROUND)
        num_split_dogs = sum(is_dog for _, is_dog in splits[split])
        summary.counts[split] = (num_split_dogs,
                                 len(splits[split]) - num_split_dogs)
    return summary
