# Ablation: the hand-over config (recdec-handover_*) with the keep terms of
# the masked-image classifier loss only (erase_weight=0): erasing pushes each
# mask to cover everything the classifier could take for its class,
# distractors included.
_base_ = ['./recdec-handover_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(losses=[
    dict(loss, erase_weight=0.)
    if loss.type == 'MaskedImageClassifierLoss' else loss
    for loss in _base_.model.losses
])
