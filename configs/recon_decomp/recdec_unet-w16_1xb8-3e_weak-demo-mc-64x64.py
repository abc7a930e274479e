# The segmentor on the multi-class demo data (K = 7, 4,000 training
# images): the binary demo's config with the data, the class count and the
# stage-1 checkpoint changed, and 3 epochs (1,500 iterations: the binary
# demo's 1,250 rounded up to whole epochs) validated after each. Its
# classifier is the one at output stride 8 (val mIoU 89.88 +- 0.87 /
# 69.82 +- 2.20 over seeds 0-2, refined / plain; with the background's
# term at weight 1 / K, before background_term_weight, 70.55 +- 4.20 /
# 52.35 +- 4.64; with
# the hand-over alone, 61.17 +- 1.99 / 44.37 +- 1.46, and 46.92 +- 6.61 /
# 33.82 +- 3.19 with the stride-32 classifier; README, "A weight on the
# background's term" and "With the output-stride-8 classifier"). Stage 1
# first:
#   python tools/train.py configs/tag_classifier/tagcls_r18-w32-os8_1xb16-10e_weak-demo-mc-64x64.py
_base_ = './recdec_unet-w16_1xb8-10e_weak-demo-64x64.py'
data_root = 'data/weak_demo_mc'
stage1_checkpoint = (
    'work_dirs/tagcls_r18-w32-os8_1xb16-10e_weak-demo-mc-64x64/epoch_10.pth')
model = dict(
    num_classes=7,
    losses=[
        dict(loss, checkpoint=stage1_checkpoint) if 'checkpoint' in loss else
        loss
        for loss in _base_.model.losses
    ])
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=3, val_interval=1)
default_hooks = dict(checkpoint=dict(interval=1))
budget_reference_images = 4000  # this schedule is for 4,000 images
