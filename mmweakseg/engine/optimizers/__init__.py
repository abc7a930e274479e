# Copyright (c) mmweakseg contributors. All rights reserved.
from .bf16_amp_optim_wrapper import (AMP_DTYPES, BF16AmpOptimWrapper,
                                     set_amp_optim_wrapper)

__all__ = ['AMP_DTYPES', 'BF16AmpOptimWrapper', 'set_amp_optim_wrapper']
