# The embedded demo data (tools/misc/make_demo_data.py data/weak_demo):
# synthetic 64 x 64 images, annotation-file layout, background at index 0.
# Training reads tags only; val/test load the masks for mIoU.
dataset_type = 'WeakTagDataset'
data_root = 'data/weak_demo'
crop_size = (64, 64)
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWeakSegInputs')
]
test_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='LoadWeakAnnotations'),
    dict(type='PackWeakSegInputs')
]
tta_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[[
            dict(type='RandomFlip', prob=0., direction='horizontal'),
            dict(type='RandomFlip', prob=1., direction='horizontal')
        ], [dict(type='LoadWeakAnnotations')],
                    [dict(type='PackWeakSegInputs')]])
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/train.json',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/val.json',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
