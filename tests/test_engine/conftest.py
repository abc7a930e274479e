# Copyright (c) mmweakseg contributors. All rights reserved.
"""Let the engine tests import the drawing tests' stand-in model and
dataset (``decomposition_stand_in``)."""
import os.path as osp
import sys

sys.path.insert(
    0,
    osp.join(
        osp.dirname(osp.dirname(osp.abspath(__file__))), 'test_visualization'))
