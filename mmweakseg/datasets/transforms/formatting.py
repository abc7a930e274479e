# Copyright (c) mmweakseg contributors. All rights reserved.
import numpy as np
import torch
from mmseg.datasets.transforms import PackSegInputs
from mmseg.registry import TRANSFORMS

TAG_FIELDS = ('gt_tags', 'gt_tag_areas')


@TRANSFORMS.register_module()
class PackWeakSegInputs(PackSegInputs):
    """Pack inputs like mmseg's ``PackSegInputs`` and add the image tags.

    Besides ``inputs`` and the ``SegDataSample`` (with ``gt_sem_seg`` when a
    label map was loaded), the sample gets the tensor fields

    - ``gt_tags``: float32 ``(K,)`` multi-hot tags, and
    - ``gt_tag_areas``: float32 ``(K,)`` soft area fractions, if the data
      info has them.

    Models read a batch of tags as
    ``torch.stack([ds.gt_tags for ds in data_samples])`` -> ``(N, K)``.
    """

    def transform(self, results: dict) -> dict:
        """Pack ``results`` into ``inputs`` and ``data_samples``."""
        packed_results = super().transform(results)
        data_sample = packed_results['data_samples']
        for field in TAG_FIELDS:
            if field in results:
                value = np.ascontiguousarray(results[field], dtype=np.float32)
                data_sample.set_field(
                    torch.from_numpy(value), field, dtype=torch.Tensor)
        return packed_results
