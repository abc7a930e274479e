# Copyright (c) mmweakseg contributors. All rights reserved.
"""Budgets that follow the data: hand-computed schedules for epoch- and
iteration-based configs, and what :func:`apply_training_budget` writes."""
import pytest
from mmengine.config import Config

from mmweakseg.workflows import apply_training_budget, plan_training_budget
from mmweakseg.workflows.tool_scripts import configs_dir


def epoch_cfg(reference_images=1000) -> Config:
    """The demo classifier's schedule: batch 16, 10 epochs."""
    cfg = Config(
        dict(train_dataloader=dict(batch_size=16),
             train_cfg=dict(type='EpochBasedTrainLoop',
                            max_epochs=10,
                            val_interval=5),
             default_hooks=dict(checkpoint=dict(interval=5),
                                logger=dict(interval=50))))
    if reference_images is not None:
        cfg.budget_reference_images = reference_images
    return cfg


def iter_cfg() -> Config:
    """The retrained model's schedule: batch 16, 1,000 iterations of poly
    decay, validated every 250."""
    return Config(
        dict(budget_reference_images=1000,
             train_dataloader=dict(batch_size=16),
             train_cfg=dict(type='IterBasedTrainLoop',
                            max_iters=1000,
                            val_interval=250),
             param_scheduler=[
                 dict(type='PolyLR', begin=0, end=1000, by_epoch=False)
             ],
             default_hooks=dict(checkpoint=dict(interval=250, by_epoch=False),
                                logger=dict(interval=50))))


@pytest.mark.parametrize(
    'num_images, epochs, iterations',
    [
        # the reference itself: ceil(1000 / 16) = 63 per epoch, unchanged
        (1000, 10, 630),
        # 630 * sqrt(4) = 1260 -> 1260 / 250 per epoch = 5.04 -> 5 epochs
        (4000, 5, 1250),
        # 630 * sqrt(20) = 2817 -> 2817 / 1250 = 2.25 -> 2 epochs
        (20000, 2, 2500),
        # 630 * sqrt(0.1) = 199 -> 199 / 7 = 28.4 -> 28 epochs
        (100, 28, 196),
        # 630 * sqrt(0.001) = 20 iterations, more than one epoch of 1 image
        (1, 20, 20),
        # fewer iterations than one epoch still train one epoch
        (200000, 1, 12500),
    ])
def test_epoch_budget_follows_the_data(num_images, epochs, iterations):
    cfg = epoch_cfg()
    budget = plan_training_budget(cfg, 'classifier', num_images)
    assert (budget.epochs, budget.iterations) == (epochs, iterations)

    apply_training_budget(cfg, budget)
    assert cfg.train_cfg.max_epochs == epochs
    assert cfg.train_cfg.val_interval == min(5, epochs)
    assert cfg.default_hooks.checkpoint.interval == min(5, epochs)
    assert cfg.default_hooks.logger.interval == min(50, iterations)
    assert 'sqrt' in budget.format() and f'{num_images:,} training' in \
        budget.format()


def test_iteration_budget_moves_the_scheduler_end():
    cfg = iter_cfg()
    budget = plan_training_budget(cfg, 'retrained', 4000)
    assert (budget.epochs, budget.iterations) == (None, 2000)

    apply_training_budget(cfg, budget)
    assert cfg.train_cfg.max_iters == 2000
    assert cfg.param_scheduler[0].end == 2000
    assert cfg.train_cfg.val_interval == 250
    assert cfg.default_hooks.checkpoint.interval == 250

    small = iter_cfg()
    # 1000 * sqrt(10 / 1000) = 100 iterations: intervals shrink to them
    apply_training_budget(small, plan_training_budget(small, 'retrained', 10))
    assert small.train_cfg.max_iters == 100
    assert small.param_scheduler[0].end == 100
    assert small.train_cfg.val_interval == 100
    assert small.default_hooks.checkpoint.interval == 100
    assert small.default_hooks.logger.interval == 50
    tiny = iter_cfg()
    # 1000 * sqrt(1 / 1000) = 32 iterations: logged once at the end
    apply_training_budget(tiny, plan_training_budget(tiny, 'retrained', 1))
    assert tiny.train_cfg.max_iters == 32
    assert tiny.default_hooks.logger.interval == 32


def test_config_schedule_is_kept_when_asked_or_unnamed():
    for cfg, scale, source in ((epoch_cfg(), False, '--budget config'),
                               (epoch_cfg(None), True,
                                'names no budget_reference_images')):
        budget = plan_training_budget(cfg, 'segmentor', 4000, scale=scale)
        # 10 epochs of ceil(4000 / 16) = 250 iterations
        assert (budget.epochs, budget.iterations) == (10, 2500)
        assert source in budget.format()
        apply_training_budget(cfg, budget)
        assert cfg.train_cfg.max_epochs == 10
        assert cfg.train_cfg.val_interval == 5


def test_budget_message_reads_as_a_sentence():
    budget = plan_training_budget(epoch_cfg(), 'classifier', 1000)
    assert budget.format() == (
        'classifier budget: 10 epochs = 630 iterations of batch 16 on 1,000 '
        "training images (scaled from the config's 10 epochs for 1,000 "
        'images by sqrt(1,000 / 1,000))')
    one = plan_training_budget(epoch_cfg(), 'classifier', 200000)
    assert one.format().startswith('classifier budget: 1 epoch = 12,500 '
                                   'iterations')


def test_bad_sizes_are_errors():
    with pytest.raises(ValueError, match='classifier: no training images'):
        plan_training_budget(epoch_cfg(), 'classifier', 0)
    with pytest.raises(ValueError, match='budget_reference_images must be'):
        plan_training_budget(epoch_cfg(0), 'classifier', 10)


def test_demo_configs_keep_their_schedule_on_the_demo():
    """On the data they were written for, the auto budget is the configs'
    own schedule, so the README's numbers hold under --budget auto."""
    for config, num_images in (
        ('tag_classifier/tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py', 1000),
        ('tag_classifier/tagcls_r18-w32-os8_1xb16-10e_weak-demo-64x64.py',
         1000),
        ('recon_decomp/recdec_unet-w16_1xb8-10e_weak-demo-64x64.py', 1000),
        ('retrained/fcn_r18-w16-d8_1xb16-1k_weak-demo-pseudo-64x64.py', 1000),
        ('tag_classifier/tagcls_r18-w32_1xb16-10e_weak-demo-mc-64x64.py',
         4000),
        ('tag_classifier/tagcls_r18-w32-os8_1xb16-10e_weak-demo-mc-64x64.py',
         4000),
        ('recon_decomp/recdec_unet-w16_1xb8-3e_weak-demo-mc-64x64.py', 4000),
        ('retrained/fcn_r18-w16-d8_1xb16-4k_weak-demo-mc-pseudo-64x64.py',
         4000),
        ('retrained/fcn_unet-s5-w16_1xb16-1k_weak-demo-mc-pseudo-64x64.py',
         4000),
        ('retrained/fcn_unet-s5-w16_1xb16-3k_weak-demo-mc-pseudo-64x64.py',
         4000),
    ):
        cfg = Config.fromfile(f'{configs_dir()}/{config}')
        auto = plan_training_budget(cfg, 'stage', num_images)
        written = plan_training_budget(cfg, 'stage', num_images, scale=False)
        assert (auto.epochs, auto.iterations) == \
            (written.epochs, written.iterations), config
