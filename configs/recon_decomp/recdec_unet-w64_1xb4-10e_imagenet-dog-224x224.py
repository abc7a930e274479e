# The paper's stage 2 (Sec. 4.3): dog / not-dog (K = 2, background last),
# U-Net of App. A (base width 64), 224 x 224, Adam lr 1e-4 betas
# (0.9, 0.999), batch 4, 10 epochs, lambda_m = lambda_c = 1e-3. For GPUs.
# Stage 1 first:
#   python tools/train.py configs/tag_classifier/tagcls_r18_1xb32-10e_imagenet-dog-224x224.py
_base_ = [
    '../_base_/models/recdec_unet.py', '../_base_/datasets/imagenet_dog.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam-1e-4_10e.py'
]
train_dataloader = dict(batch_size=4)
val_dataloader = dict(batch_size=4)
test_dataloader = val_dataloader
val_evaluator = dict(type='MultiLabelTagMetric')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='mAP', rule='greater'))
custom_hooks = [
    dict(type='DecompositionVisualizationHook', interval=1000, num_images=8)
]
# the 16,000 training images this schedule is for (tools/run_pipeline.py
# --budget auto scales it to other sizes)
budget_reference_images = 16000
