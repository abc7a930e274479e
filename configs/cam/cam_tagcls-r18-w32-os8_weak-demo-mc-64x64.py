# CAM baseline on the multi-class demo data (K = 7) at output stride 8, from
# the multi-class stage-1 classifier; everything else is the binary demo's
# output-stride-8 CAM config.
#   python tools/test.py \
#       configs/cam/cam_tagcls-r18-w32-os8_weak-demo-mc-64x64.py \
#       work_dirs/tagcls_r18-w32_1xb16-10e_weak-demo-mc-64x64/epoch_10.pth
_base_ = ['./cam_tagcls-r18-w32-os8_weak-demo-64x64.py']
data_root = 'data/weak_demo_mc'
model = dict(
    checkpoint='work_dirs/tagcls_r18-w32_1xb16-10e_weak-demo-mc-64x64/'
    'epoch_10.pth',
    num_classes=7)
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
train_dataloader = dict(dataset=dict(data_root=data_root))
