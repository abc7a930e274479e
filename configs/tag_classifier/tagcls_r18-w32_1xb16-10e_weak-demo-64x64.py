# Stage 1 on the embedded demo data, sized for a 2-core CPU: ResNet-18 at
# half width (32 base channels), trained from scratch (no pretrained file is
# needed), 64 x 64, Adam lr 1e-3, batch 16, 10 epochs.
_base_ = [
    '../_base_/models/tag_classifier_r18.py',
    '../_base_/datasets/weak_demo.py', '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam-1e-4_10e.py'
]
model = dict(
    num_classes=4,
    background_index=0,
    in_channels=256,
    backbone=dict(stem_channels=32, base_channels=32, init_cfg=None))
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_epochs=10, val_interval=5)
# the number of training images this schedule is for: tools/run_pipeline.py
# scales it by sqrt(N / 1,000) on N images (--budget auto)
budget_reference_images = 1000
val_evaluator = dict(type='MultiLabelTagMetric')
test_evaluator = val_evaluator
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=5, save_best='mAP', rule='greater'),
    visualization=dict(type='SegVisualizationHook', draw=False))
randomness = dict(seed=0)
