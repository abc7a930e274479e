# The demo config up to commit d042a06: Eq. 4 (MaskAreaLoss) hands all its
# present classes' terms, the background's included, over to self-training
# at iteration 500 (no background term after it, no floor). Measured
# (README, "With the output-stride-8 classifier" and "The background's
# area term"): binary demo 91.10 +- 0.80 refined / 78.55 +- 3.30 plain,
# multi-class demo 61.17 +- 1.99 / 44.37 +- 1.46 over seeds 0-2. From
# commit 0455b32 to d042a06 the segmentor handed its background index to
# MaskAreaLoss, which then kept the background's term: the demo config ran
# as this config's keep_background_term=True without saying so.
_base_ = ['../recdec_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(losses=[
    dict(
        loss,
        keep_background_term=False,
        present_floor=None,
        background_term_weight=None)
    if loss.type == 'MaskAreaLoss' else loss for loss in _base_.model.losses
])
