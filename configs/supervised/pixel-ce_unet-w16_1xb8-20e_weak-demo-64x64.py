# Supervised upper bound on the embedded demo data: the method's encoder and
# mask decoder with its optimiser (inherited from the demo segmentor config)
# for 20 epochs,
# trained with pixel cross-entropy on the ground-truth masks; no image-let
# decoder, no stage-1 classifier, no test-time refinement of its own
# (tools/analysis_tools/benchmark_quality.py tests it with the method's, as
# the method is tested). The only config that trains on masks.
_base_ = ['../recon_decomp/recdec_unet-w16_1xb8-10e_weak-demo-64x64.py']
model = dict(
    imagelet_decoder=None,
    losses=[dict(type='PixelCrossEntropyLoss')],
    test_cfg=dict(_delete_=True, mode='whole'))
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='LoadWeakAnnotations'),
    dict(type='Resize', scale=_base_.crop_size, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWeakSegInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
custom_hooks = []
train_cfg = dict(max_epochs=20)
