# The paper's stage 1 (Sec. 4.3): ResNet-18 pretrained on ImageNet-1k, one
# dog logit, Adam lr 1e-4 betas (0.9, 0.999), batch 32, 10 epochs, 224 x 224.
# Needs torchvision's resnet18 ImageNet weights at
# checkpoints/resnet18-f37072fd.pth (local file; nothing is downloaded).
_base_ = [
    '../_base_/models/tag_classifier_r18.py',
    '../_base_/datasets/imagenet_dog.py', '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam-1e-4_10e.py'
]
model = dict(num_classes=2, background_index=1)
val_evaluator = dict(type='MultiLabelTagMetric')
test_evaluator = val_evaluator
default_hooks = dict(
    checkpoint=dict(save_best='mAP', rule='greater'),
    visualization=dict(type='SegVisualizationHook', draw=False))
# the 16,000 training images this schedule is for (tools/run_pipeline.py
# --budget auto scales it to other sizes)
budget_reference_images = 16000
