# Copyright (c) mmweakseg contributors. All rights reserved.
from .average_precision import average_precision

__all__ = ['average_precision']
