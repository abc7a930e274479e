# Stage 2 on PASCAL VOC 2012 + SBD (K = 21, background at index 0): the
# paper's U-Net (base width 64) and losses (lambda_m = lambda_c = 1e-3),
# 320 x 320, Adam lr 1e-4, 4 GPUs x 4 images, 10 epochs; mIoU on the 1,449
# val masks. All 21 image-lets of an image go through the frozen classifier
# (21 ResNet-18 passes per image); model.losses.2.max_absent_classes=M
# scores only the tagged and M sampled absent classes (unbiased estimate).
# Stage 1 first (its last checkpoint is read here):
#   bash tools/dist_train.sh configs/tag_classifier/tagcls_r18_4xb8-10e_voc12aug-320x320.py 4
_base_ = [
    '../_base_/models/recdec_unet.py', '../_base_/datasets/voc12_weak_aug.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam-1e-4_10e.py'
]
stage1_checkpoint = ('work_dirs/tagcls_r18_4xb8-10e_voc12aug-320x320/'
                     'epoch_10.pth')
model = dict(
    num_classes=21,
    background_index=0,
    losses=[
        dict(loss, checkpoint=stage1_checkpoint)
        if loss.type == 'ImageletClassifierLoss' else loss
        for loss in _base_.model.losses
    ])
train_dataloader = dict(batch_size=4)
val_evaluator = [
    dict(type='ClassWiseIoUMetric', iou_metrics=['mIoU']),
    dict(type='MultiLabelTagMetric')
]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='mIoU', rule='greater'))
custom_hooks = [
    dict(type='DecompositionVisualizationHook', interval=1000, num_images=8)
]
# the 10,582 trainaug images this schedule is for (tools/run_pipeline.py
# --budget auto scales it to other sizes)
budget_reference_images = 10582
