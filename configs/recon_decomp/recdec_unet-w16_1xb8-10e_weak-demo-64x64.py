# The reconstruction segmentor on the embedded demo data, sized for a 2-core
# CPU: the paper's U-Net at base width 16, 64 x 64, batch 8, Adam lr 1e-3
# with gradients clipped to norm 1, 10 epochs (1,250 iterations; stopping
# at 5 cost 8 points without refinement over 3 seeds; validation every 5; the
# last checkpoint is the result: choosing one by val mIoU would use masks
# the method has not).
# Changes from the paper, each measured on this data (README, "Ablation"):
# - the image-lets are bounded to the image range and L_cls reaches the
#   masks only (with free image-lets the decoder learns patterns that fool
#   the frozen classifier); lambda_m = lambda_c = 1 for a 2,500-iteration
#   budget (the paper's 1e-3 is for 40,000); gradient clipping;
# - the frozen classifier also scores the real image cut out by each mask
#   (MaskedImageClassifierLoss: keep / erase, CLIMS and OC-CSE);
# - the masks of a flipped half-size view must be the flipped half-size
#   masks (MaskEquivarianceLoss, SEAM);
# - self-training on the masks refined by pixel-adaptive refinement
#   (RefinedPseudoLabelLoss with PixelAdaptiveRefinement, single-stage weak
#   segmentation) after a warm-up of 4 epochs, and the same refinement of
#   the predicted masks at test time;
# - from then on Eq. 4 keeps only its absent classes' and the background's
#   terms (target 1 for a tagged object grows its mask towards half the
#   image once the classifier terms are met; self-training keeps the
#   tagged objects instead, the background's term holds their masks back),
#   and a tagged object's term becomes a floor under its mask (1 % of the
#   image: a mask that falls under it is pulled back up, never past it).
#   From then on the background's term has weight 1, that of Eq. 4's whole
#   average (background_term_weight=1.0; as one of the K terms averaged it
#   had 1 / K, too little to keep the masks of K = 7 classes to their
#   objects).
#   The hand-over alone (ablation/recdec-handover_*, this config up to
#   commit d042a06): binary 91.10 +- 0.80 refined / 78.55 +- 3.30 plain,
#   multi-class 61.17 +- 1.99 / 44.37 +- 1.46; with the background's term
#   (weight 1 / K) and the floor 93.08 +- 0.93 / 80.90 +- 2.33 and 70.55
#   +- 4.20 / 52.35 +- 4.64; with the weight 1, 94.41 +- 0.42 / 84.86 +-
#   1.21 and 89.88 +- 0.87 / 69.82 +- 2.20 (README, "A weight on the
#   background's term").
# Stage 1 first (its last checkpoint is read here):
#   python tools/train.py configs/tag_classifier/tagcls_r18-w32-os8_1xb16-10e_weak-demo-64x64.py
_base_ = [
    '../_base_/models/recdec_unet.py', '../_base_/datasets/weak_demo.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam-1e-4_10e.py'
]
# the iteration where self-training starts and Eq. 4's present classes stop
self_training_begin = 500
stage1_checkpoint = ('work_dirs/tagcls_r18-w32-os8_1xb16-10e_weak-demo-64x64/'
                     'epoch_10.pth')
model = dict(
    num_classes=4,
    background_index=0,
    backbone=dict(base_channels=16),
    bounded_imagelets=True,
    losses=[
        dict(type='ReconstructionLoss', loss_weight=1.0),
        dict(
            type='MaskAreaLoss',
            present_end_iter=self_training_begin,
            keep_background_term=True,
            present_floor=0.01,
            background_term_weight=1.0,
            loss_weight=1.0),
        dict(
            type='ImageletClassifierLoss',
            checkpoint=stage1_checkpoint,
            detach_imagelets=True,
            fuse_conv_bn=True,
            loss_weight=1.0),
        dict(
            type='MaskedImageClassifierLoss',
            checkpoint=stage1_checkpoint,
            fill='zero',
            fuse_conv_bn=True,
            loss_weight=1.0),
        dict(type='MaskEquivarianceLoss', scale=0.5, loss_weight=1.0),
        dict(
            type='RefinedPseudoLabelLoss',
            refinement=dict(type='PixelAdaptiveRefinement'),
            warmup_iters=self_training_begin,
            loss_weight=1.0)
    ],
    test_cfg=dict(mode='whole', refine=dict(type='PixelAdaptiveRefinement')))
train_dataloader = dict(batch_size=8)
optim_wrapper = dict(optimizer=dict(lr=1e-3), clip_grad=dict(max_norm=1.0))
train_cfg = dict(max_epochs=10, val_interval=5)
# the number of training images this schedule is for: tools/run_pipeline.py
# scales it by sqrt(N / 1,000) on N images (--budget auto)
budget_reference_images = 1000
val_evaluator = [
    dict(type='ClassWiseIoUMetric', iou_metrics=['mIoU']),
    dict(type='MultiLabelTagMetric')
]
test_evaluator = val_evaluator
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=5))
# fuse_conv_bn in the two frozen-classifier losses folds the classifier's
# BN layers into its convolutions: the same losses up to rounding, x1.12
# faster (README, "Speed and memory").
# channels-last weights (ChannelsLastHook, which runs first whatever its
# place in the list): the same values in another summation order, steps
# x1.34 faster with 2 threads, x1.15 with one (the frozen classifier's
# dilated convolutions most of all; README, "Speed and memory")
custom_hooks = [
    dict(type='DecompositionVisualizationHook', interval=100, num_images=8),
    dict(type='ChannelsLastHook')
]
randomness = dict(seed=0)
