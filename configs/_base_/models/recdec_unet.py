# The paper's model (Sec. 3, App. A): a U-Net encoder shared by the mask
# decoder (K channels, softmax over classes) and the image-let decoder
# (3K channels), trained with Eq. 7:
#   L_recon + lambda_m * L_mask + lambda_c * L_cls, lambda_m = lambda_c = 1e-3.
# L_cls uses the frozen stage-1 classifier saved at `checkpoint` (its
# architecture is read from the config stored in the checkpoint); override
# with --cfg-options model.losses.2.checkpoint=PATH.
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=16)
model = dict(
    type='ReconstructionSegmentor',
    data_preprocessor=data_preprocessor,
    num_classes=2,
    background_index=1,
    backbone=dict(type='ReconUNetEncoder', base_channels=64),
    mask_decoder=dict(type='UNetDecoder'),
    imagelet_decoder=dict(type='UNetDecoder'),
    losses=[
        dict(type='ReconstructionLoss', loss_weight=1.0),
        dict(type='MaskAreaLoss', loss_weight=1e-3),
        dict(
            type='ImageletClassifierLoss',
            checkpoint='work_dirs/tagcls_r18_1xb32-10e_imagenet-dog-224x224/'
            'epoch_10.pth',
            loss_weight=1e-3)
    ],
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
