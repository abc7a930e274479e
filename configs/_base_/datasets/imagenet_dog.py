# The paper's ImageNet-1k dog / not-dog split (Sec. 4.1), in the
# annotation-file layout: classes ('dog', 'background') with the background
# last, as in the paper (y = [dog, background]); 16,000 train / 4,000 val
# images, resized to 224 x 224. No masks: validation measures tag quality.
# Written by
#   python tools/dataset_converters/imagenet_dog.py data/imagenet/train data/imagenet_dog
dataset_type = 'WeakTagDataset'
data_root = 'data/imagenet_dog'
crop_size = (224, 224)
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
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/train.json',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/val.json',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
