# Copyright (c) mmweakseg contributors. All rights reserved.
from .class_layout import check_class_layout
from .stage1_classifier import load_frozen_classifier

__all__ = ['check_class_layout', 'load_frozen_classifier']
