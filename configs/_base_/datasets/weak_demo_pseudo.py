# Stage-2 data on the embedded demo: train on the pseudo-labels of the train
# split exported by a trained weak segmentor,
#   python tools/export_pseudo_labels.py CONFIG CHECKPOINT --split train \
#       --out-dir data/weak_demo_pseudo
# (its annotation file points at data/weak_demo's images, keeps their tags
# and names the pseudo masks); validate and test on data/weak_demo's real
# val masks.
_base_ = ['./weak_demo.py']
pseudo_data_root = 'data/weak_demo_pseudo'
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='LoadWeakAnnotations'),
    dict(type='Resize', scale=_base_.crop_size, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWeakSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        data_root=pseudo_data_root,
        ann_file='annotations/train.json',
        # the exported file points at the original (absolute) image paths
        allow_outside_data_root=True,
        pipeline=train_pipeline))
