# Copyright (c) mmweakseg contributors. All rights reserved.
from mmengine.hooks import Hook
from mmengine.runner import set_random_seed
from mmseg.registry import HOOKS

SEED_MODULUS = 2**32  # numpy accepts seeds in [0, 2**32)


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Re-seed ``random``, ``numpy`` and ``torch`` at the start of every
    training epoch with ``runner.seed + epoch``.

    mmengine seeds the global random generators once, when the runner is
    built. Random augmentations (``RandomFlip`` draws from ``numpy``) then
    depend on everything drawn since, so a run resumed at an epoch boundary
    (``--resume``) draws other augmentations than the uninterrupted run did
    in the same epoch. Re-seeding per epoch makes each epoch's draws depend
    only on the seed and the epoch number, so with a fixed seed (and
    ``randomness.deterministic=True`` on GPU) a resumed run ends with the
    same weights as an uninterrupted one. mmengine's ``DefaultSampler``
    already shuffles with ``seed + epoch``.

    This holds when the pipeline runs in the main process
    (``num_workers=0``) or in workers that are re-created every epoch
    (``persistent_workers=False``; mmengine seeds them from the runner's
    seed); persistent workers keep their own generators across epochs.
    """

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner) -> None:
        """Seed the global generators with ``runner.seed + runner.epoch``."""
        set_random_seed((runner.seed + runner.epoch) % SEED_MODULUS)
