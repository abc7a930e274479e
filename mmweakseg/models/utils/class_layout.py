# Copyright (c) mmweakseg contributors. All rights reserved.


def check_class_layout(num_classes: int, background_index: int) -> None:
    """Check that K classes with the background at ``background_index``
    make sense for a weak-segmentation model.

    Args:
        num_classes (int): Number of classes K, background included.
        background_index (int): Index of the background class.

    Raises:
        ValueError: If K < 2 or the index is outside [0, K).
    """
    if num_classes < 2:
        raise ValueError('`num_classes` counts the background too and '
                         f'must be at least 2, got {num_classes}')
    if not 0 <= background_index < num_classes:
        raise ValueError(f'`background_index` must be in [0, '
                         f'{num_classes}) for num_classes={num_classes}, '
                         f'got {background_index}')
