# Ablation: the base with mask equivariance to a flipped half-size view
# (MaskEquivarianceLoss).
_base_ = ['./recdec-base_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(losses=_base_.model.losses +
             [dict(type='MaskEquivarianceLoss', scale=0.5, loss_weight=1.0)])
