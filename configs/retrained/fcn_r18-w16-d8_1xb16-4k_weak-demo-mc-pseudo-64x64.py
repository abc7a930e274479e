# Second stage on the multi-class demo data (K = 7, 4,000 training images):
# the binary demo's FCN (ResNetV1c-18 at width 16, from scratch) trained on
# the method's pseudo-labels with an ignore band (pixels whose probability
# among the image's tags is below 0.5 are 255: export with
# --min-confidence 0.5) and a class-balanced cross-entropy
# (ClassBalancedCrossEntropyLoss: every labelled class weighs the same, so
# the small classes are not drowned by the background), 4k iterations
# (16 epochs of 4,000 images).
#   python tools/export_pseudo_labels.py CONFIG CHECKPOINT --split train \
#       --out-dir data/weak_demo_mc_pseudo --min-confidence 0.5
_base_ = ['./fcn_r18-w16-d8_1xb16-1k_weak-demo-pseudo-64x64.py']
num_classes = 7
max_iters = 4000
model = dict(
    decode_head=dict(
        num_classes=num_classes,
        loss_decode=dict(
            _delete_=True, type='ClassBalancedCrossEntropyLoss')),
    auxiliary_head=dict(
        num_classes=num_classes,
        loss_decode=dict(
            _delete_=True,
            type='ClassBalancedCrossEntropyLoss',
            loss_weight=0.4)))
train_dataloader = dict(
    dataset=dict(data_root='data/weak_demo_mc_pseudo'))
val_dataloader = dict(dataset=dict(data_root='data/weak_demo_mc'))
test_dataloader = val_dataloader
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=1e-4,
        power=0.9,
        begin=0,
        end=max_iters,
        by_epoch=False)
]
train_cfg = dict(max_iters=max_iters, val_interval=1000)
default_hooks = dict(checkpoint=dict(interval=1000))
budget_reference_images = 4000  # this schedule is for 4,000 images
