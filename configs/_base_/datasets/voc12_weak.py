# PASCAL VOC 2012 with image tags (K = 21, background at index 0, 255 =
# ignore, as mmseg's PascalVOCDataset), written by
#   python tools/dataset_converters/voc.py data/VOCdevkit
# Training reads the tags of the 1,464 `train` images; val/test load the
# 1,449 `val` masks for mIoU. Images are resized to a fixed 320 x 320 (no
# crops, which could cut a tagged object out); predictions are resized back
# to the original size for evaluation.
dataset_type = 'WeakTagDataset'
data_root = 'data/VOCdevkit/VOC2012'
crop_size = (320, 320)
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
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/train.json',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/val.json',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
