# Ablation: the base with the frozen classifier also scoring the real image
# cut out by each mask (MaskedImageClassifierLoss, keep / erase, zero fill).
_base_ = ['./recdec-base_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(losses=_base_.model.losses + [
    dict(
        type='MaskedImageClassifierLoss',
        checkpoint=_base_.stage1_checkpoint,
        fill='zero',
        loss_weight=1.0)
])
