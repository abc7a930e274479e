# The paper's optimisation (Sec. 4.3): Adam, lr 1e-4, betas (0.9, 0.999),
# constant learning rate, 10 epochs, validation after every epoch.
optimizer = dict(type='Adam', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.0)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer)
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=10, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(
        type='MainProcessLoggerHook', interval=50, log_metric_by_epoch=True),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # CheckpointHook that a kill while saving cannot corrupt (atomic writes,
    # last_checkpoint updated after the save, old checkpoints deleted last)
    checkpoint=dict(
        type='AtomicCheckpointHook',
        by_epoch=True,
        interval=1,
        max_keep_ckpts=2,
        save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # re-seed the augmentations each epoch so --resume repeats them exactly
    epoch_seed=dict(type='EpochSeedHook'),
    visualization=dict(type='SegVisualizationHook', interval=1))
