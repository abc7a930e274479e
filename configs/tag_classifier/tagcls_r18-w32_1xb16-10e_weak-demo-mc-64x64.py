# Stage 1 on the multi-class demo data (6 shapes and the background, K = 7),
# 4,000 training images (with the default 1,000 the classifier overfits:
# val mAP 48.78, train 94.6; README, "Multi-class demo"):
#   python tools/misc/make_demo_data.py data/weak_demo_mc --multiclass --num-train 4000
# Everything else is the binary demo's config.
_base_ = './tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py'
data_root = 'data/weak_demo_mc'
model = dict(num_classes=7)
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
budget_reference_images = 4000  # this schedule is for 4,000 images
