# Stage 1 on the multi-class demo data at output stride 8: the multi-class
# demo's classifier with the ResNet's last two stages dilated instead of
# strided, as in the binary demo's output-stride-8 config.
#   python tools/misc/make_demo_data.py data/weak_demo_mc --multiclass --num-train 4000
_base_ = './tagcls_r18-w32_1xb16-10e_weak-demo-mc-64x64.py'
model = dict(backbone=dict(strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)))
