# Ablation base: the demo segmentor before the components of the field were
# added (reconstruction, Eq. 4, the paper's L_cls on bounded, detached
# image-lets, lambdas 1, gradient clipping), no test-time refinement.
_base_ = ['../recdec_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(
    losses=[
        dict(type='ReconstructionLoss', loss_weight=1.0),
        dict(type='MaskAreaLoss', loss_weight=1.0),
        dict(
            type='ImageletClassifierLoss',
            checkpoint=_base_.stage1_checkpoint,
            detach_imagelets=True,
            loss_weight=1.0)
    ],
    test_cfg=dict(_delete_=True, mode='whole'))
