# PASCAL VOC 2012 with SBD's augmented training set: the 10,582 `trainaug`
# images (mmseg's tools/dataset_converters/voc_aug.py, then
# tools/dataset_converters/voc.py); val as in voc12_weak.py.
_base_ = './voc12_weak.py'
train_dataloader = dict(dataset=dict(ann_file='annotations/trainaug.json'))
