# Stage-1 recipe ablation: the demo classifier with mmseg's
# PhotoMetricDistortion (brightness, contrast, saturation, hue) after the
# resize and flip. No crops: a crop could cut a tagged object out.
_base_ = ['../tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py']
train_dataloader = dict(
    dataset=dict(
        pipeline=_base_.train_pipeline[:-1] +
        [dict(type='PhotoMetricDistortion'), _base_.train_pipeline[-1]]))
