# The multi-class demo's retrained U-Net
# (fcn_unet-s5-w16_1xb16-1k_weak-demo-mc-pseudo-64x64.py, still rising at
# 1k iterations) trained three times as long: 3k iterations = 12 epochs of
# 4,000 images, the poly schedule stretched to match, validation every 500
# (configs/retrained/README.md has the curve; the last checkpoint is the
# result).
_base_ = ['./fcn_unet-s5-w16_1xb16-1k_weak-demo-mc-pseudo-64x64.py']
max_iters = 3000
param_scheduler = [dict(_base_.param_scheduler[0], end=max_iters)]
train_cfg = dict(max_iters=max_iters, val_interval=500)
default_hooks = dict(checkpoint=dict(interval=500))
budget_reference_images = 4000  # this schedule is for 4,000 images
