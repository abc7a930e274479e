# Copyright (c) mmweakseg contributors. All rights reserved.
import logging
import os.path as osp
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import mmengine.fileio as fileio
import numpy as np
from mmengine.logging import print_log
from mmseg.datasets import BaseSegDataset

from mmweakseg.utils import make_palette

from .errors import WeakTagDataError

DEFAULT_BACKGROUND = 'background'
ENTRY_KEYS = ('img_path', 'tags')


class BaseWeakTagDataset(BaseSegDataset):
    """Base of the image-tag datasets: metainfo resolution and tag encoding.

    Every image comes with its tags (class names; the background tag is
    implied), optionally a label map and optionally soft tag areas. A data
    info holds:

    - ``img_path`` (str) and ``seg_map_path`` (str or None);
    - ``gt_tags``: float32 ``(K,)`` multi-hot, background entry always 1;
    - ``gt_tag_areas``: float32 ``(K,)`` area fractions, when given;
    - ``reduce_zero_label=False``, ``seg_fields=[]``, ``label_map=None``.

    The metainfo has ``classes`` (K names), ``palette``, ``background``
    (name, default ``'background'``, at any index) and ``background_index``.
    When classes come from the data source rather than from ``metainfo``,
    they are known only after the data list is loaded (``lazy_init=False``,
    or after ``full_init()``).

    Subclasses implement :meth:`collect_data_list`, which parses the data
    source with :meth:`_resolve_metainfo` and :meth:`_encode_entries` and
    returns every problem found instead of raising at the first; loading
    raises :class:`WeakTagDataError` with the first problem. The dataset
    checker (``tools/analysis_tools/check_dataset.py``) lists them all.
    With ``skip_invalid=True`` the entries with problems are left out
    instead, and a warning gives their number and lists every problem.

    Args:
        ann_file (str): Annotation file, if the layout has one.
            Defaults to ''.
        metainfo (dict, optional): Meta information, e.g.
            ``dict(classes=(...), background='background')``.
            Defaults to None.
        data_root (str, optional): Root that relative paths (``ann_file``,
            ``data_prefix``) are joined to. Defaults to None.
        data_prefix (dict): Prefixes of ``img_path`` and ``seg_map_path``.
            Defaults to ``dict(img_path='', seg_map_path='')``.
        indices (int | Sequence[int], optional): Use only these samples.
            Defaults to None.
        serialize_data (bool): Whether to serialize the data list.
            Defaults to True.
        pipeline (list): Processing pipeline. Defaults to [].
        test_mode (bool): Whether in test mode. Defaults to False.
        lazy_init (bool): Whether to defer loading the data list.
            Defaults to False.
        max_refetch (int): Times to retry an item whose pipeline returned
            None. Defaults to 1000.
        backend_args (dict, optional): Arguments of the mmengine file
            backend. Defaults to None.
        skip_invalid (bool): Leave out the entries with problems (missing
            files, unknown tags, duplicates, ...) with a warning listing them
            instead of raising; during training, also replace a sample whose
            image or mask fails to load (corrupt or empty file, mask of
            another size or with values that are no class) by another, with a
            warning naming the file. Problems of the whole source (unreadable
            annotation file, no valid entry) still raise. Defaults to False.
        allow_outside_data_root (bool): Accept ``img_path`` and
            ``seg_map_path`` entries that are absolute or lead out of the
            data root (``../x.png``), e.g. the annotation files written by
            ``tools/export_pseudo_labels.py``, which point at the original
            images. By default such an entry is a problem: a path that
            leaves the dataset usually means a mistake in the file.
            Defaults to False.
    """

    def __init__(self,
                 ann_file: str = '',
                 metainfo: Optional[dict] = None,
                 data_root: Optional[str] = None,
                 data_prefix: dict = dict(img_path='', seg_map_path=''),
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 serialize_data: bool = True,
                 pipeline: List[Union[dict, Callable]] = [],
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 max_refetch: int = 1000,
                 backend_args: Optional[dict] = None,
                 skip_invalid: bool = False,
                 allow_outside_data_root: bool = False) -> None:
        self.skip_invalid = skip_invalid
        self.allow_outside_data_root = allow_outside_data_root
        super().__init__(
            ann_file=ann_file,
            metainfo=metainfo,
            data_root=data_root,
            data_prefix=data_prefix,
            indices=indices,
            serialize_data=serialize_data,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init,
            max_refetch=max_refetch,
            reduce_zero_label=False,
            backend_args=backend_args)

    @classmethod
    def _load_metainfo(cls, metainfo: Optional[dict] = None) -> dict:
        """Collect meta information; ``background`` is a class name, never a
        file to read (mmengine tries to read string values as files)."""
        metainfo = dict(metainfo or {})
        background = metainfo.pop('background', None)
        collected = super()._load_metainfo(metainfo)
        if background is not None:
            collected['background'] = background
        return collected

    def _update_palette(self) -> list:
        """Keep the given palette; a missing one is built in
        :meth:`_resolve_metainfo`, once the classes are known."""
        return self._metainfo.get('palette', [])

    def load_data_list(self) -> List[dict]:
        """Load the data list, raising at the first problem.

        Returns:
            list[dict]: Data infos, see the class docstring.

        Raises:
            WeakTagDataError: The data source has a problem (with
                ``skip_invalid``: one that leaves no valid entry).
        """
        data_list, problems = self.collect_data_list()
        if problems and self.skip_invalid and data_list:
            print_log(
                f'{self.source_name}: skip_invalid=True, left out the entries '
                f'with these {len(problems)} problem(s); '
                f'{len(data_list)} images remain:\n' + '\n'.join(problems),
                logger='current',
                level=logging.WARNING)
            return data_list
        if problems:
            more = ''
            if len(problems) > 1:
                more = (f'\n(and {len(problems) - 1} more problem(s); '
                        'run tools/analysis_tools/check_dataset.py to list '
                        'them all)')
            raise WeakTagDataError(problems[0] + more)
        return data_list

    def prepare_data(self, idx: int) -> Any:
        """Run the pipeline on sample ``idx``.

        With ``skip_invalid`` during training, a sample whose files fail to
        load (:class:`WeakTagDataError`) is reported with a warning naming
        the file, and None is returned, so that mmengine's ``__getitem__``
        draws another sample (at most ``max_refetch`` times).
        """
        if not self.skip_invalid or self.test_mode:
            return super().prepare_data(idx)
        try:
            return super().prepare_data(idx)
        except WeakTagDataError as error:
            print_log(
                f'skip_invalid=True, skipped sample {idx}: {error}',
                logger='current',
                level=logging.WARNING)
            return None

    def collect_data_list(self) -> Tuple[List[dict], List[str]]:
        """Parse the data source, collecting problems instead of raising.

        Problems that make parsing impossible (unreadable annotation file,
        no or unknown classes) still raise :class:`WeakTagDataError`.

        Returns:
            tuple[list[dict], list[str]]: The data infos of the valid
            entries, and one message per problem found.
        """
        raise NotImplementedError

    @property
    def source_name(self) -> str:
        """The annotation file or image folder the data comes from."""
        return self.ann_file or self.data_prefix.get('img_path', '')

    def _resolve_metainfo(self, source_metainfo: dict) -> None:
        """Merge the metainfo found in the data source into the dataset's.

        ``classes`` and ``background`` given to the constructor must agree
        with the source's; a palette given to the constructor wins; other
        keys from the source are added when missing. Sets ``classes``
        (tuple), ``background``, ``background_index`` and ``palette`` (built
        by :func:`make_palette` when not given).

        Args:
            source_metainfo (dict): Metainfo from the annotation file, or
                the classes found in the image folder.

        Raises:
            WeakTagDataError: The classes are missing, repeated or
                disagree with the source; the background is no class; the
                palette does not have one colour per class.
        """
        source = self.source_name
        if not isinstance(source_metainfo, dict):
            raise WeakTagDataError(
                f'{source}: "metainfo" is a '
                f'{type(source_metainfo).__name__}; expected a dict such as '
                '{"classes": [...], "background": "background"}')
        metainfo = self._metainfo
        for key in ('classes', 'background'):
            given, found = metainfo.get(key), source_metainfo.get(key)
            if given is not None and found is not None and (
                    _as_names(given) != _as_names(found)):
                raise WeakTagDataError(
                    f'{source}: metainfo {key} {_as_names(found)!r} differ '
                    f'from the dataset config\'s {_as_names(given)!r}; '
                    f'expected the same {key} (or set it in one place)')
        for key, value in source_metainfo.items():
            if key == 'palette' and not metainfo.get('palette'):
                metainfo['palette'] = value
            elif metainfo.get(key) is None:
                metainfo[key] = value

        classes = metainfo.get('classes')
        if classes is None:
            raise WeakTagDataError(
                f'{source}: no classes given; expected "classes" in the '
                'annotation file\'s metainfo or metainfo=dict(classes=[...]) '
                'in the dataset config')
        classes = _as_names(classes)
        if not all(isinstance(name, str) and name for name in classes):
            raise WeakTagDataError(
                f'{source}: classes {list(classes)!r}; expected non-empty '
                'strings')
        repeated = sorted(name for name, count in Counter(classes).items()
                          if count > 1)
        if repeated:
            raise WeakTagDataError(
                f'{source}: classes {repeated} are listed more than once; '
                'expected unique class names')
        background = metainfo.setdefault('background', DEFAULT_BACKGROUND)
        if background not in classes:
            raise WeakTagDataError(
                f'{source}: unknown background class {background!r}; '
                f'expected one of the classes {list(classes)} (set '
                'metainfo background to the name of the background class)')
        if len(classes) < 2:
            raise WeakTagDataError(
                f'{source}: classes {list(classes)} hold no foreground '
                'class; expected the background and at least one more')
        background_index = classes.index(background)
        palette = metainfo.get('palette') or make_palette(
            len(classes), background_index)
        if len(palette) != len(classes):
            raise WeakTagDataError(
                f'{source}: palette has {len(palette)} colours; expected '
                f'{len(classes)}, one per class')
        metainfo.update(
            classes=classes,
            background_index=background_index,
            palette=[list(colour) for colour in palette])

    def _encode_entries(self, raw_entries: Sequence,
                        problems: List[str]) -> List[dict]:
        """Check raw entries and turn them into data infos.

        A raw entry is a dict with ``img_path`` (joined to
        ``data_prefix['img_path']``), ``tags`` (list of class names), and
        optionally ``seg_map_path`` (joined to
        ``data_prefix['seg_map_path']``) and ``tag_areas`` (dict of class
        name to area fraction in ``[0, 1]``; missing classes are 0).

        Args:
            raw_entries (Sequence): The raw entries in source order.
            problems (list[str]): Messages of the problems found are
                appended here; entries with problems are left out.

        Returns:
            list[dict]: Data infos of the valid entries.
        """
        source = self.source_name
        if len(raw_entries) == 0:
            problems.append(f'{source}: no images found (empty data list); '
                            'expected at least one image')
        data_list = []
        first_index: Dict[str, int] = {}
        for index, raw_entry in enumerate(raw_entries):
            data_info = self._encode_entry(raw_entry, index, problems)
            if data_info is None:
                continue
            img_path = osp.normpath(data_info['img_path'])
            if img_path in first_index:
                problems.append(
                    f'{source}: entry {index} (img_path '
                    f'{raw_entry["img_path"]!r}): duplicate of entry '
                    f'{first_index[img_path]}; expected each image once')
                continue
            first_index[img_path] = index
            data_list.append(data_info)
        return data_list

    def _encode_entry(self, raw_entry, index: int,
                      problems: List[str]) -> Optional[dict]:
        """Check one raw entry and turn it into a data info.

        Returns:
            dict, optional: The data info, or None if a problem was found.
        """
        num_problems = len(problems)
        if not isinstance(raw_entry, dict):
            problems.append(
                f'{self.source_name}: entry {index}: is a '
                f'{type(raw_entry).__name__}; expected a dict with keys '
                f'{list(ENTRY_KEYS)}')
            return None
        where = (f'{self.source_name}: entry {index} (img_path '
                 f'{raw_entry.get("img_path")!r})')
        missing = [key for key in ENTRY_KEYS if key not in raw_entry]
        if missing:
            problems.append(f'{where}: missing key(s) {missing}; expected '
                            f'every entry to have {list(ENTRY_KEYS)}')
            return None
        img_path, tags = raw_entry['img_path'], raw_entry['tags']
        seg_map_path = raw_entry.get('seg_map_path')
        tag_areas = raw_entry.get('tag_areas')
        if not isinstance(img_path, str) or not img_path:
            problems.append(f'{where}: img_path is not a non-empty string; '
                            'expected a path relative to data_root')
            return None
        self._check_inside_data_root('img_path', img_path, where, problems)
        img_path = fileio.join_path(
            self.data_prefix.get('img_path', ''), img_path)
        if not fileio.exists(img_path, backend_args=self.backend_args):
            problems.append(f'{where}: missing image file {img_path!r}; '
                            'expected an existing image file')
        gt_tags = self._encode_tags(tags, where, problems)
        if seg_map_path is not None:
            if not isinstance(seg_map_path, str) or not seg_map_path:
                problems.append(f'{where}: seg_map_path is not a non-empty '
                                'string; expected a path or null')
            else:
                self._check_inside_data_root('seg_map_path', seg_map_path,
                                             where, problems)
                seg_map_path = fileio.join_path(
                    self.data_prefix.get('seg_map_path', ''), seg_map_path)
                if not fileio.exists(
                        seg_map_path, backend_args=self.backend_args):
                    problems.append(
                        f'{where}: missing mask file {seg_map_path!r}; '
                        'expected an existing PNG of class indices')
        data_info = dict(
            img_path=img_path,
            seg_map_path=seg_map_path,
            gt_tags=gt_tags,
            label_map=None,
            reduce_zero_label=False,
            seg_fields=[])
        if tag_areas is not None:
            data_info['gt_tag_areas'] = self._encode_tag_areas(
                tag_areas, where, problems)
        if len(problems) > num_problems:
            return None
        return data_info

    def _check_inside_data_root(self, key: str, path: str, where: str,
                                problems: List[str]) -> None:
        """Report an entry path that is absolute or leads out of the data
        root, unless ``allow_outside_data_root``.

        Args:
            key (str): The entry's key, e.g. ``'img_path'``.
            path (str): The path as written in the entry.
            where (str): Location of the entry, for messages.
            problems (list[str]): Messages are appended here.
        """
        if self.allow_outside_data_root:
            return
        parts = osp.normpath(path).replace('\\', '/').split('/')
        if osp.isabs(path) or parts[0] == '..':
            problems.append(
                f'{where}: {key} {path!r} is outside the data root; expected '
                'a path relative to data_root that stays inside it (set '
                'allow_outside_data_root=True in the dataset config, or '
                '--allow-outside-data-root in check_dataset.py, to accept '
                'it)')

    def _encode_tags(self, tags, where: str,
                     problems: List[str]) -> np.ndarray:
        """Encode tag names as a multi-hot vector with the background set.

        Args:
            tags: The entry's tags; expected a list of class names.
            where (str): Location of the entry, for messages.
            problems (list[str]): Messages are appended here.

        Returns:
            np.ndarray: float32 ``(K,)`` multi-hot tags.
        """
        classes = self._metainfo['classes']
        gt_tags = np.zeros(len(classes), dtype=np.float32)
        gt_tags[self._metainfo['background_index']] = 1
        if not isinstance(tags, (list, tuple)):
            problems.append(f'{where}: tags is a {type(tags).__name__}; '
                            'expected a list of class names')
            return gt_tags
        for tag in tags:
            if tag not in classes:
                problems.append(f'{where}: unknown tag {tag!r}; expected one '
                                f'of the classes {list(classes)}')
            else:
                gt_tags[classes.index(tag)] = 1
        return gt_tags

    def _encode_tag_areas(self, tag_areas, where: str,
                          problems: List[str]) -> np.ndarray:
        """Encode ``{class name: area fraction}`` as a vector.

        Args:
            tag_areas: The entry's tag areas; expected a dict of class
                name to a number in ``[0, 1]``.
            where (str): Location of the entry, for messages.
            problems (list[str]): Messages are appended here.

        Returns:
            np.ndarray: float32 ``(K,)`` areas, 0 for missing classes.
        """
        classes = self._metainfo['classes']
        areas = np.zeros(len(classes), dtype=np.float32)
        if not isinstance(tag_areas, dict):
            problems.append(
                f'{where}: tag_areas is a {type(tag_areas).__name__}; '
                'expected a dict of class name to area fraction in [0, 1]')
            return areas
        for name, area in tag_areas.items():
            if name not in classes:
                problems.append(
                    f'{where}: tag_areas has unknown class {name!r}; '
                    f'expected one of the classes {list(classes)}')
            elif (isinstance(area, bool) or not isinstance(area, (int, float))
                  or not 0 <= area <= 1):
                problems.append(
                    f'{where}: tag_areas[{name!r}] = {area!r}; expected a '
                    'number in [0, 1]')
            else:
                areas[classes.index(name)] = area
        return areas


def _as_names(classes) -> Tuple:
    """Class names as a tuple, for comparison and storage."""
    if isinstance(classes, (list, tuple)):
        return tuple(classes)
    return (classes, )
