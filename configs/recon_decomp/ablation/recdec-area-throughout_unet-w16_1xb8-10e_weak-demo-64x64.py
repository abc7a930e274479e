# The hand-over config (recdec-handover_*) with all of Eq. 4 (MaskAreaLoss)
# for the whole schedule, as in the paper, instead of handing its present
# classes' terms over to self-training after 500 iterations: the demo config
# up to commit 5c76aaa.
_base_ = ['./recdec-handover_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(losses=[
    dict(loss, present_end_iter=None) if loss.type == 'MaskAreaLoss' else loss
    for loss in _base_.model.losses
])
