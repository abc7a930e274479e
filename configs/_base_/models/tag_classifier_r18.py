# Stage 1: the multi-label classifier g (paper Sec. 4.2): ResNet-18 with its
# last linear layer replaced by K-1 foreground logits, ImageNet-pretrained
# weights read from a local file in torchvision's resnet18 format. The
# background has no output; `background_index` says which class it is.
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=32)
model = dict(
    type='TagClassifier',
    data_preprocessor=data_preprocessor,
    num_classes=2,
    background_index=1,
    in_channels=512,
    backbone=dict(
        type='ResNet',
        depth=18,
        style='pytorch',
        out_indices=(3, ),
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=False,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='checkpoints/resnet18-f37072fd.pth')),
    loss=dict(type='TagBCELoss', loss_weight=1.0))
