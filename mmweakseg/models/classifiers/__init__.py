# Copyright (c) mmweakseg contributors. All rights reserved.
from .tag_classifier import TagClassifier, check_pretrained_files

__all__ = ['TagClassifier', 'check_pretrained_files']
