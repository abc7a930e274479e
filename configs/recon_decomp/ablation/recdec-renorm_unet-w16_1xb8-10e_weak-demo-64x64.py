# The demo config with the self-training pseudo-labels renormalised over
# the image's tags (RefinedPseudoLabelLoss(renormalize=True)): a pixel that
# an absent class took can be claimed by a tagged class (same thresholds)
# instead of being ignored, so self-training can take it back. On the
# multi-class demo the ring and the diamond masks of the demo config cover
# 25 % and 14 % of the background's pixels, two thirds of the ring's in
# images without a ring, where self-training never saw them.
_base_ = ['../recdec_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(losses=[
    dict(loss, renormalize=True)
    if loss.type == 'RefinedPseudoLabelLoss' else loss
    for loss in _base_.model.losses
])
