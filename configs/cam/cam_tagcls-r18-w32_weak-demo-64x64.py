# CAM baseline (Zhou et al., 2016) on the embedded demo data, from the demo
# stage-1 classifier: the class activation maps of the tagged classes,
# normalised to [0, 1], background where none exceeds `threshold`. Nothing is
# trained; test with the stage-1 checkpoint:
#   python tools/test.py configs/cam/cam_tagcls-r18-w32_weak-demo-64x64.py \
#       work_dirs/tagcls_r18-w32_1xb16-10e_weak-demo-64x64/epoch_10.pth
# The same pass logs the mIoU of thresholds 0.05 ... 0.95 (`sweep/` keys).
# The demo classifier has output stride 32: its CAMs are 2 x 2 at 64 x 64.
_base_ = [
    '../_base_/datasets/weak_demo.py', '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam-1e-4_10e.py'
]
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=32)
model = dict(
    type='CAMSegmentor',
    data_preprocessor=data_preprocessor,
    checkpoint='work_dirs/tagcls_r18-w32_1xb16-10e_weak-demo-64x64/'
    'epoch_10.pth',
    threshold=0.2,
    num_classes=4,
    background_index=0)
val_evaluator = [
    dict(type='ClassWiseIoUMetric', iou_metrics=['mIoU']),
    dict(type='CAMThresholdSweepMetric')
]
test_evaluator = val_evaluator
