# Copyright (c) mmweakseg contributors. All rights reserved.


class DatasetConversionError(ValueError):
    """Raised when a source data set (an ImageNet or VOCdevkit tree) cannot
    be converted to the annotation-file layout.

    The message names the offending folder, file or image id and says what
    was expected.
    """
