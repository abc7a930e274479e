# Copyright (c) mmweakseg contributors. All rights reserved.
from .class_layout import check_class_layout

__all__ = ['check_class_layout']
