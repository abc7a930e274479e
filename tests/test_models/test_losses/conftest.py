# Copyright (c) mmweakseg contributors. All rights reserved.
import pytest
from mmengine.logging import MessageHub


@pytest.fixture
def iteration():
    """Set the runner's iteration in the message hub; reset afterwards."""
    hub = MessageHub.get_current_instance()
    yield lambda value: hub.update_info('iter', value)
    hub.update_info('iter', 0)
