# Ablation: the paper's objective (Eq. 7) on the demo data: free image-lets,
# L_cls on the masked image-lets reaching both decoders,
# lambda_m = lambda_c = 1e-3, no gradient clipping; the demo's network,
# data and budget (10 epochs of Adam at lr 1e-3).
_base_ = ['../recdec_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(
    bounded_imagelets=False,
    losses=[
        dict(type='ReconstructionLoss', loss_weight=1.0),
        dict(type='MaskAreaLoss', loss_weight=1e-3),
        dict(
            type='ImageletClassifierLoss',
            checkpoint=_base_.stage1_checkpoint,
            loss_weight=1e-3)
    ],
    test_cfg=dict(_delete_=True, mode='whole'))
optim_wrapper = dict(clip_grad=None)
