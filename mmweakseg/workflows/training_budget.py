# Copyright (c) mmweakseg contributors. All rights reserved.
"""Training budgets that follow the size of the data.

A config's schedule is set for the number of training images it names in
``budget_reference_images`` (1,000 for the demo configs). On a dataset of
``N`` images the pipeline trains ``sqrt(N / N_ref)`` times the reference
number of iterations: more data gets more iterations but fewer epochs, so
1,000 and 20,000 images do not get the same number of epochs, and a small
dataset gets more epochs than the reference instead of a few dozen steps.
Epoch-based loops are rounded to whole epochs (at least one). Warm-ups that
losses count in iterations are not scaled: they measure how long the masks
take to form, not a share of the schedule.

The benchmarks set a fixed number of epochs instead, the same for every
model they compare (:func:`set_training_budget`).
"""
import math
from dataclasses import dataclass
from typing import Optional

from mmengine.config import Config

# the top-level config variable that names the schedule's dataset size
REFERENCE_KEY = 'budget_reference_images'


@dataclass
class TrainingBudget:
    """The schedule one stage trains with.

    Args:
        stage (str): The stage's name (``classifier``, ``segmentor``...).
        iterations (int): Optimisation steps of the whole training.
        epochs (int | None): Epochs of an epoch-based loop, None for an
            iteration-based one.
        num_images (int): Training images.
        batch_size (int): Images per step.
        source (str): How the budget was chosen, said to the user.
    """
    stage: str
    iterations: int
    epochs: Optional[int]
    num_images: int
    batch_size: int
    source: str

    def format(self) -> str:
        """One line, printed at the start of the stage."""
        length = _count(self.iterations, 'iteration')
        if self.epochs is not None:
            length = f'{_count(self.epochs, "epoch")} = {length}'
        return (f'{self.stage} budget: {length} of batch {self.batch_size} '
                f'on {self.num_images:,} training images ({self.source})')


def _count(number: int, noun: str) -> str:
    return f'{number:,} {noun}' + ('' if number == 1 else 's')


def _iterations_per_epoch(num_images: int, batch_size: int) -> int:
    return math.ceil(num_images / batch_size)


def plan_training_budget(cfg: Config,
                         stage: str,
                         num_images: int,
                         scale: bool = True) -> TrainingBudget:
    """The budget of ``cfg`` on ``num_images`` training images.

    Args:
        cfg (Config): The stage's config, ``train_cfg`` either epoch-based
            (``max_epochs``) or iteration-based (``max_iters``).
        stage (str): The stage's name, for the message.
        num_images (int): Images of the training split.
        scale (bool): Scale the config's schedule to ``num_images`` when the
            config names ``budget_reference_images``; False keeps the
            config's schedule as written (``--budget config``).

    Returns:
        TrainingBudget: The schedule; :func:`apply_training_budget` writes
        it into the config.
    """
    if num_images < 1:
        raise ValueError(f'{stage}: no training images to plan a budget for')
    batch_size = cfg.train_dataloader.batch_size
    per_epoch = _iterations_per_epoch(num_images, batch_size)
    epoch_based = 'max_epochs' in cfg.train_cfg
    reference_images = cfg.get(REFERENCE_KEY)
    if epoch_based:
        config_epochs = cfg.train_cfg.max_epochs
        config_iterations = config_epochs * per_epoch
    else:
        config_iterations = cfg.train_cfg.max_iters
    if not scale or reference_images is None:
        source = ("the config's schedule, --budget config" if not scale else
                  f"the config's schedule: it names no {REFERENCE_KEY}")
        return TrainingBudget(stage, config_iterations,
                              config_epochs if epoch_based else None,
                              num_images, batch_size, source)
    if reference_images < 1:
        raise ValueError(f'{stage}: {REFERENCE_KEY} must be >= 1, got '
                         f'{reference_images}')
    reference_iterations = (config_epochs *
                            _iterations_per_epoch(reference_images, batch_size)
                            if epoch_based else config_iterations)
    iterations = max(
        1,
        round(reference_iterations * math.sqrt(num_images / reference_images)))
    schedule = (_count(config_epochs, 'epoch') if epoch_based else _count(
        config_iterations, 'iteration'))
    source = (f'scaled from the config\'s {schedule} for '
              f'{reference_images:,} images by sqrt({num_images:,} / '
              f'{reference_images:,})')
    if not epoch_based:
        return TrainingBudget(stage, iterations, None, num_images, batch_size,
                              source)
    epochs = max(1, round(iterations / per_epoch))
    return TrainingBudget(stage, epochs * per_epoch, epochs, num_images,
                          batch_size, source)


def apply_training_budget(cfg: Config, budget: TrainingBudget) -> Config:
    """Write ``budget`` into ``cfg``.

    An epoch-based loop gets ``max_epochs``, an iteration-based one
    ``max_iters``; learning-rate schedulers that ended with the old schedule
    end with the new one, and validation, checkpoint and logging intervals
    longer than the new schedule shrink to it, so a short training still
    logs, evaluates and saves.

    Returns:
        Config: ``cfg``, changed in place.
    """
    epoch_based = budget.epochs is not None
    key = 'max_epochs' if epoch_based else 'max_iters'
    old_length = cfg.train_cfg[key]
    new_length = budget.epochs if epoch_based else budget.iterations
    cfg.train_cfg[key] = new_length
    schedulers = cfg.get('param_scheduler') or []
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    for scheduler in schedulers:
        if (scheduler.get('by_epoch', True) == epoch_based
                and scheduler.get('end') == old_length):
            scheduler['end'] = new_length
    if cfg.train_cfg.get('val_interval', 1) > new_length:
        cfg.train_cfg.val_interval = new_length
    hooks = cfg.get('default_hooks', {})
    checkpoint = hooks.get('checkpoint')  # counts as the loop does
    if checkpoint and checkpoint.get('interval', 1) > new_length:
        checkpoint['interval'] = new_length
    logger = hooks.get('logger')  # counts iterations
    if logger and logger.get('interval', 1) > budget.iterations:
        logger['interval'] = budget.iterations
    return cfg


def set_training_budget(cfg: Config, epochs: int) -> Config:
    """Train for ``epochs`` and keep the last checkpoint for testing.

    The best checkpoint by validation mIoU would be chosen with the masks of
    the evaluation split, a supervision that only the references may use, so
    ``save_best`` is switched off and the final epoch is evaluated.
    """
    if epochs < 1:
        raise ValueError(f'the number of epochs must be >= 1, got {epochs}')
    cfg.train_cfg.max_epochs = epochs
    cfg.default_hooks.checkpoint.save_best = None
    return cfg
