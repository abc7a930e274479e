# Ablation: the base with self-training on its masks refined by
# pixel-adaptive refinement (RefinedPseudoLabelLoss) after 500 iterations.
_base_ = ['./recdec-base_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(losses=_base_.model.losses + [
    dict(
        type='RefinedPseudoLabelLoss',
        refinement=dict(type='PixelAdaptiveRefinement'),
        warmup_iters=500,
        loss_weight=1.0)
])
