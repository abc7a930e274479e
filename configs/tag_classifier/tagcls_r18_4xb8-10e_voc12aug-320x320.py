# Stage 1 on PASCAL VOC 2012 + SBD (10,582 trainaug images; K = 21, the
# background at index 0): ResNet-18 pretrained on ImageNet-1k with 20
# foreground logits, 320 x 320, Adam lr 1e-4 as in the paper, 4 GPUs x 8
# images (the paper's total batch of 32), 10 epochs. Needs torchvision's
# resnet18 weights at checkpoints/resnet18-f37072fd.pth (local file).
#   bash tools/dist_train.sh configs/tag_classifier/tagcls_r18_4xb8-10e_voc12aug-320x320.py 4
_base_ = [
    '../_base_/models/tag_classifier_r18.py',
    '../_base_/datasets/voc12_weak_aug.py', '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam-1e-4_10e.py'
]
model = dict(num_classes=21, background_index=0)
val_evaluator = dict(type='MultiLabelTagMetric')
test_evaluator = val_evaluator
default_hooks = dict(
    checkpoint=dict(save_best='mAP', rule='greater'),
    visualization=dict(type='SegVisualizationHook', draw=False))
# the 10,582 trainaug images this schedule is for (tools/run_pipeline.py
# --budget auto scales it to other sizes)
budget_reference_images = 10582
