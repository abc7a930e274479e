# Stage-1 recipe ablation: the demo classifier with decoupled weight decay
# (AdamW, weight decay 0.05, lr 1e-3 as before).
_base_ = ['../tagcls_r18-w32_1xb16-10e_weak-demo-64x64.py']
optim_wrapper = dict(optimizer=dict(type='AdamW', weight_decay=0.05))
