# The embedded demo data (tools/misc/make_demo_data.py data/weak_demo):
# synthetic 64 x 64 images, annotation-file layout, background at index 0.
# Training reads tags only; val/test load the masks for mIoU.
# Images of any size and aspect (the pipeline's default configs read the
# user's data with these pipelines) are resized to `crop_size` without
# keeping the ratio, in training (no crops: a crop could cut a tagged object
# out) and at test time, where predictions are resized back to the original
# size and the masks are loaded at that size, so the metric is computed
# there. On the 64 x 64 demo images the resize is the identity.
# The loaders run in the main process: on the 2-core CPUs these configs are
# sized for, the model's threads use every core and loader workers only
# compete with them (README demo on one machine: 16.5 min with two workers
# per loader, 14.2 min without, the same mIoU within the seed's spread);
# every benchmark in README was measured this way. On a GPU with larger
# images, set `num_workers` and `persistent_workers=True` on the loaders.
dataset_type = 'WeakTagDataset'
data_root = 'data/weak_demo'
crop_size = (64, 64)
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='Resize', scale=crop_size, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWeakSegInputs')
]
test_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='Resize', scale=crop_size, keep_ratio=False),
    dict(type='LoadWeakAnnotations'),
    dict(type='PackWeakSegInputs')
]
tta_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[[dict(type='Resize', scale=crop_size, keep_ratio=False)],
                    [
            dict(type='RandomFlip', prob=0., direction='horizontal'),
            dict(type='RandomFlip', prob=1., direction='horizontal')
        ], [dict(type='LoadWeakAnnotations')],
                    [dict(type='PackWeakSegInputs')]])
]
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/train.json',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/val.json',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
