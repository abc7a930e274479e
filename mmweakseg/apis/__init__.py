# Copyright (c) mmweakseg contributors. All rights reserved.
from .inference import (build_inference_pipeline, check_images, find_images,
                        format_problems, format_skipped, init_weak_segmentor,
                        label_map_names, predict_images, save_label_map,
                        segment_folder)
from .pseudo_labels import (export_pseudo_labels, ignore_unconfident,
                            restrict_to_tags)
from .quality_benchmark import (QualityRow, average_rows, cam_rows,
                                configure_pseudo_label_stage,
                                format_method_gaps,
                                format_quality_table, iou_row,
                                set_cam_checkpoint, set_training_budget)
from .stage_runner import evaluate_checkpoint, run_tool, train_and_test
from .two_stage_pipeline import (SPLITS, check_splits, check_stage_data,
                                 configure_stage,
                                 find_checkpoint, read_test_metrics,
                                 set_classifier_checkpoint, set_stage_data,
                                 split_dataset_cfgs)

__all__ = [
    'SPLITS', 'check_splits', 'check_stage_data', 'configure_stage',
    'find_checkpoint',
    'read_test_metrics', 'set_classifier_checkpoint', 'set_stage_data',
    'split_dataset_cfgs',
    'init_weak_segmentor', 'build_inference_pipeline', 'predict_images',
    'save_label_map', 'find_images', 'label_map_names', 'segment_folder',
    'check_images', 'format_problems', 'format_skipped',
    'export_pseudo_labels', 'ignore_unconfident', 'restrict_to_tags',
    'QualityRow', 'average_rows', 'cam_rows',
    'configure_pseudo_label_stage',
    'format_method_gaps', 'format_quality_table', 'iou_row',
    'set_cam_checkpoint', 'set_training_budget', 'evaluate_checkpoint',
    'run_tool', 'train_and_test'
]
