# Stage-1 recipe ablation: the demo classifier at output stride 16 (the
# last stage's stride turned into a dilation): 4 x 4 feature maps at
# 64 x 64 instead of 2 x 2.
_base_ = ['../tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py']
model = dict(backbone=dict(strides=(1, 2, 2, 1), dilations=(1, 1, 1, 2)))
