# Copyright (c) mmweakseg contributors. All rights reserved.
from mmengine.logging import MessageHub


def current_train_iter() -> int:
    """The runner's current training iteration, counted from 0.

    Read from mmengine's message hub, where ``RuntimeInfoHook`` writes it
    before each iteration; without a runner (a loss called on its own) it is
    0. Losses that switch on or off at an iteration read it here.
    """
    return MessageHub.get_current_instance().get_info('iter', 0)
