# Copyright (c) mmweakseg contributors. All rights reserved.
from .formatting import PackWeakSegInputs
from .loading import LoadRGBImageFromFile, LoadWeakAnnotations

__all__ = ['LoadRGBImageFromFile', 'LoadWeakAnnotations', 'PackWeakSegInputs']
