# Copyright (c) mmweakseg contributors. All rights reserved.
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmseg.registry import HOOKS


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Store the model's 4-D weights in the channels-last memory format.

    Before training, validation and testing (after the weights are
    initialised or loaded) the unwrapped model is converted with
    ``model.to(memory_format=torch.channels_last)``. The parameters keep
    their identity (``.data`` is swapped), so the optimizer built before is
    unaffected, and modules that override ``_apply`` follow (the frozen
    classifier of ``ImageletClassifierLoss``). Inputs are not converted:
    PyTorch's CPU (oneDNN) and CUDA (cuDNN) convolutions produce
    channels-last outputs when either the input or the weight is channels
    last, so the format propagates from the first convolution on. Values are
    unchanged; only the memory layout, and with it the speed, differ.

    Enable it with ``custom_hooks = [dict(type='ChannelsLastHook')]``.
    """

    priority = 'VERY_HIGH'

    def _convert(self, runner: Runner) -> None:
        """Convert the unwrapped model to channels last."""
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        model.to(memory_format=torch.channels_last)

    def before_train(self, runner: Runner) -> None:
        """Convert the model before the first training iteration."""
        self._convert(runner)

    def before_val(self, runner: Runner) -> None:
        """Convert the model before validation."""
        self._convert(runner)

    def before_test(self, runner: Runner) -> None:
        """Convert the model before testing."""
        self._convert(runner)
