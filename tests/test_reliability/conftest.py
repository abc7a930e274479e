# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest

from reliability_utils import save_tiny_classifier


@pytest.fixture(scope='session')
def tiny_classifier(tmp_path_factory) -> str:
    """Checkpoint of an untrained width-8 classifier for the 4 demo
    classes."""
    return save_tiny_classifier(
        tmp_path_factory.mktemp('classifier') / 'classifier.pth')
