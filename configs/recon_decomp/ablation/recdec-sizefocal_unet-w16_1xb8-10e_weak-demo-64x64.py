# Ablation: the hand-over config (recdec-handover_*) with the size-focal mask
# loss of single-stage weak segmentation (SizeFocalMaskLoss) in place of Eq.
# 4 (MaskAreaLoss), the one component the demo config does not have.
_base_ = ['./recdec-handover_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(losses=[
    dict(type='SizeFocalMaskLoss', loss_weight=1.0)
    if loss.type == 'MaskAreaLoss' else loss for loss in _base_.model.losses
])
