# Copyright (c) mmweakseg contributors. All rights reserved.
"""Is the trained classifier good enough to supervise the segmentor?

Everything after stage 1 inherits the classifier's judgement: the frozen
classifier is the whole supervision of the segmentor's classifier losses
and the source of the CAM reference. A classifier near chance, or one that
memorised its training images, makes a segmentor that learns nothing, in
silence. This check compares, after stage 1, each class's val AP with its
chance level and the val mAP with the train mAP, and says what to change.

Chance level: a ranking that ignores the image has an expected AP equal to
the class's positive rate ``p`` among the val images (all scores tied give
exactly ``p``). The *skill* of a class is ``(AP - p) / (100 - p)``: 0 at
chance, 1 for a perfect ranking.
"""
import copy
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from mmengine.config import Config

from mmweakseg.datasets import DatasetReport
from .stage_runner import evaluate_checkpoint

# the mean skill over the foreground classes below which the classifier
# is not used (halfway between chance and perfect)
MIN_SKILL = 0.5
# train mAP - val mAP (points) above which the classifier memorised
MAX_TRAIN_VAL_GAP = 25.0
# what to change, printed with a failed check
ADVICE = ('for small objects, textured backgrounds or look-alike clutter '
          'the classifier needs feature maps larger than a few cells: '
          'keep output stride 8 as the demo classifier does (configs/'
          'tag_classifier/tagcls_r18-w32-os8_1xb16-10e_weak-demo-64x64.py; '
          'at stride 32 val mAP fell from 83-85 to 54-63 on two such '
          'synthetic variants, configs/tag_classifier/README.md) or '
          'raise the input size; otherwise train it longer '
          '(train_cfg.max_epochs), give it more tagged images, or start it '
          'from ImageNet weights (docs/custom_dataset.md, "Pretrained '
          'weights"); the tools continue anyway with --skip-health-check')


def _skill(value: float) -> str:
    """A skill with 2 decimals; a tiny negative (AP at chance up to the
    metric's rounding) reads 0.00, not -0.00."""
    return f'{value:.2f}'.replace('-0.00', '0.00')


@dataclass
class ClassifierHealth:
    """The check's numbers and verdict.

    Attributes:
        val_map (float): Val mAP (percent).
        train_map (float, optional): mAP on the train images, None if not
            measured.
        classes (dict): ``{class: (AP, chance, skill)}`` of every
            foreground class with a positive val image; AP and chance in
            percent.
        min_skill (float): Threshold of the mean skill.
        max_gap (float): Threshold of the train / val gap.
    """
    val_map: float
    train_map: Optional[float]
    classes: Dict[str, Tuple[float, float, float]] = field(
        default_factory=dict)
    min_skill: float = MIN_SKILL
    max_gap: float = MAX_TRAIN_VAL_GAP

    @property
    def mean_skill(self) -> float:
        """float: Mean skill over the classes (0 = chance, 1 = perfect)."""
        skills = [skill for _, _, skill in self.classes.values()]
        return sum(skills) / len(skills) if skills else float('nan')

    @property
    def gap(self) -> Optional[float]:
        """float, optional: Train mAP minus val mAP."""
        if self.train_map is None:
            return None
        return self.train_map - self.val_map

    @property
    def problems(self) -> List[str]:
        """list[str]: What fails, one sentence each (empty: healthy)."""
        problems = []
        if not self.classes:
            problems.append('no foreground class has a positive val image, '
                            'so the classifier cannot be judged')
        elif not self.mean_skill >= self.min_skill:
            weakest = sorted(self.classes.items(), key=lambda kv: kv[1][2])
            problems.append(
                'the val APs are close to chance: mean skill '
                f'{_skill(self.mean_skill)} < {self.min_skill} (0 = chance, '
                '1 = perfect); weakest: ' + ', '.join(
                    f'{name} AP {ap:.1f} vs chance {chance:.1f}'
                    for name, (ap, chance, _) in weakest[:3]))
        if self.gap is not None and self.gap > self.max_gap:
            problems.append(
                f'it memorised its training images: train mAP '
                f'{self.train_map:.2f} vs val mAP {self.val_map:.2f} (gap '
                f'{self.gap:.1f} > {self.max_gap:g})')
        return problems

    @property
    def ok(self) -> bool:
        """bool: Whether the classifier may supervise the segmentor."""
        return not self.problems

    def format(self) -> str:
        """A printable report: numbers per class, verdict, advice."""
        train = ('not measured' if self.train_map is None else
                 f'{self.train_map:.2f} (gap {self.gap:+.1f})')
        lines = [
            f'classifier health: val mAP {self.val_map:.2f}, train mAP '
            f'{train}, mean skill {_skill(self.mean_skill)} (needs >= '
            f'{self.min_skill}; 0 = chance, 1 = perfect)'
        ]
        lines += [
            f'  {name:<16} AP {ap:6.2f}  chance {chance:6.2f}  skill '
            f'{_skill(skill):>5}' for name, (ap, chance, skill) in
            self.classes.items()
        ]
        if self.ok:
            lines.append('  healthy: the segmentor can learn from it')
        else:
            lines += [f'  PROBLEM: {problem}' for problem in self.problems]
            lines.append(f'  what to change: {ADVICE}')
        return '\n'.join(lines)


def check_classifier_health(val_metrics: dict,
                            val_report: DatasetReport,
                            train_metrics: Optional[dict] = None,
                            min_skill: float = MIN_SKILL,
                            max_gap: float = MAX_TRAIN_VAL_GAP
                            ) -> ClassifierHealth:
    """Judge a trained classifier from its test metrics.

    Args:
        val_metrics (dict): ``MultiLabelTagMetric`` results on the val split
            (``mAP``, ``AP.<class>``, percent).
        val_report (DatasetReport): The checker's report of the val split
            (its tag counts give each class's chance level).
        train_metrics (dict, optional): The same metric on the train
            images (tested with the val pipeline). Defaults to None.
        min_skill (float): See :data:`MIN_SKILL`.
        max_gap (float): See :data:`MAX_TRAIN_VAL_GAP`.

    Returns:
        ClassifierHealth: The numbers and the verdict.
    """
    classes = {}
    for index, name in enumerate(val_report.classes):
        key = f'AP.{name}'
        positives = int(val_report.tag_counts[index])
        if (index == val_report.background_index or key not in val_metrics
                or not 0 < positives < val_report.num_images):
            continue  # background, no AP, or a class no ranking can judge
        chance = 100.0 * positives / val_report.num_images
        ap = float(val_metrics[key])
        classes[name] = (ap, chance, (ap - chance) / (100.0 - chance))
    return ClassifierHealth(
        val_map=float(val_metrics['mAP']),
        train_map=None if train_metrics is None else float(
            train_metrics['mAP']),
        classes=classes,
        min_skill=min_skill,
        max_gap=max_gap)


def train_split_test_config(cfg: Config) -> Config:
    """A copy of a configured stage whose test dataloader reads the train
    split with the test pipeline (how well the train images are fit)."""
    cfg = copy.deepcopy(cfg)
    pipeline = cfg.test_dataloader.dataset.pipeline
    cfg.test_dataloader.dataset = dict(
        cfg.train_dataloader.dataset, pipeline=pipeline)
    return cfg


def evaluate_classifier_health(cls_cfg: Config, checkpoint: str,
                               val_metrics: dict, val_report: DatasetReport,
                               work_dir: str,
                               **run_kwargs) -> ClassifierHealth:
    """Test the trained classifier on its train images too (once: the
    metrics are kept in ``work_dir/classifier/test_train_split``) and
    judge it (:func:`check_classifier_health`).

    Args:
        cls_cfg (Config): The classifier's config, pointed at the data.
        checkpoint (str): Its trained checkpoint.
        val_metrics (dict): Its test metrics on the val split.
        val_report (DatasetReport): The checker's report of the val split.
        work_dir (str): The work dir of the command (the config is dumped
            as ``classifier_train_split.py``).
        **run_kwargs: ``log_file`` and ``num_threads`` of ``run_tool``.
    """
    config = osp.join(work_dir, 'classifier_train_split.py')
    train_split_test_config(cls_cfg).dump(config)
    train_metrics = evaluate_checkpoint(
        config, checkpoint,
        osp.join(work_dir, 'classifier', 'test_train_split'), **run_kwargs)
    return check_classifier_health(val_metrics, val_report, train_metrics)
