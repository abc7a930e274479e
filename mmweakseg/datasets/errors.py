# Copyright (c) mmweakseg contributors. All rights reserved.


class WeakTagDataError(ValueError):
    """Raised when weak-tag data (annotation file, image folder, image or
    mask file) does not have the expected content.

    The message names the offending file and, for annotation entries, the
    entry index and its ``img_path``, and says what was expected.
    """
