# Stage-1 recipe ablation: the output-stride-8 classifier with the three
# training changes of this folder together: photometric distortion, AdamW
# with weight decay 0.05, warm-up and cosine schedule.
_base_ = ['./tagcls_r18-w32-cosine_1xb16-10e_weak-demo-64x64.py']
model = dict(backbone=dict(strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)))
optim_wrapper = dict(optimizer=dict(type='AdamW', weight_decay=0.05))
train_dataloader = dict(
    dataset=dict(
        pipeline=_base_.train_pipeline[:-1] +
        [dict(type='PhotoMetricDistortion'), _base_.train_pipeline[-1]]))
