# Stage-1 recipe ablation: the demo classifier with a learning-rate
# schedule: linear warm-up over the first epoch from 0.1 x, then cosine
# annealing to 0 at the last epoch (per iteration).
_base_ = ['../tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py']
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.1,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        by_epoch=True,
        begin=1,
        end=_base_.train_cfg.max_epochs,
        eta_min=0.0,
        convert_to_iter_based=True)
]
