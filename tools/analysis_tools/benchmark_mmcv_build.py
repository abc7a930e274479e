# Copyright (c) mmweakseg contributors. All rights reserved.
"""What mmcv's first-time build spends its time on, and what compiler
flags save.

``tools/setup_env.sh`` builds mmcv's CPU ops from the sdist: one C++
translation unit per op (77 in mmcv 2.1.0), each including torch's
extension headers, compiled with Python's own flags (``sysconfig``'s
``CFLAGS``, e.g. ``-DNDEBUG -g -fwrapv -O3 -Wall``) plus ``-fPIC
-std=c++20``. This compiles a sample of those files one at a time with
those flags (the reference) and with each candidate set appended (the last
``-g`` / ``-O`` flag wins, as when ``CFLAGS`` is set for the build), and
prints the seconds per file, the ratio to the reference and the serial
time projected to all files. Run it alone: it measures wall time.

Example:
    pip download --no-deps --no-binary :all: mmcv==2.1.0 -d /tmp/mmcv
    tar -xzf /tmp/mmcv/mmcv-2.1.0.tar.gz -C /tmp/mmcv
    python tools/analysis_tools/benchmark_mmcv_build.py /tmp/mmcv/mmcv-2.1.0
"""
import argparse
import glob
import os.path as osp
import shlex
import subprocess
import sysconfig
import time
from typing import Dict, List, Optional, Sequence

from torch.utils.cpp_extension import include_paths

# Appended to the reference flags: tools/setup_env.sh's -g0, and -O2 on top.
CANDIDATES = {
    'no debug info (-g0)': ['-g0'],
    'no debug info, -O2': ['-g0', '-O2'],
}


def op_sources(source_dir: str) -> List[str]:
    """The C++ files mmcv's ``setup.py`` compiles for a CPU-only build."""
    csrc = osp.join(source_dir, 'mmcv', 'ops', 'csrc', 'pytorch')
    files = sorted(
        glob.glob(osp.join(csrc, '*.cpp')) +
        glob.glob(osp.join(csrc, 'cpu', '*.cpp')))
    if not files:
        raise FileNotFoundError(
            f'{csrc}: no *.cpp files; expected an unpacked mmcv sdist')
    return files


def compile_command(source: str, source_dir: str,
                    extra_flags: Sequence[str]) -> List[str]:
    """The ``g++`` command the build runs for ``source`` (object written to
    ``/dev/null``), with ``extra_flags`` appended."""
    includes = include_paths() + [
        sysconfig.get_paths()['include'],
        osp.join(source_dir, 'mmcv', 'ops', 'csrc', 'common')
    ]
    return (['g++'] + shlex.split(sysconfig.get_config_var('CFLAGS')) +
            ['-fPIC'] + [f'-I{path}' for path in includes] + [
                '-DTORCH_API_INCLUDE_EXTENSION_H',
                '-DTORCH_EXTENSION_NAME=_ext', '-std=c++20'
            ] + list(extra_flags) + ['-c', source, '-o', '/dev/null'])


def time_compile(command: List[str]) -> float:
    """Seconds one compile takes (raises if it fails)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def sample(files: Sequence[str], num: int) -> List[str]:
    """``num`` files spread evenly over the sorted list."""
    step = max(1, len(files) // num)
    return list(files[::step][:num])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description='Time the compilation of mmcv op sources with the '
        'default and the candidate compiler flags')
    parser.add_argument('source_dir', help='unpacked mmcv sdist')
    parser.add_argument(
        '--num-files', type=int, default=6, help='files in the sample')
    return parser


def main(argv: Optional[List[str]] = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        files = op_sources(args.source_dir)
    except FileNotFoundError as error:
        parser.error(str(error))
    chosen = sample(files, args.num_files)
    flag_sets: Dict[str, List[str]] = {'reference (Python\'s CFLAGS)': []}
    flag_sets.update(CANDIDATES)
    seconds: Dict[str, List[float]] = {name: [] for name in flag_sets}
    print(f'{len(files)} files in the build; sample of {len(chosen)}; '
          f'reference flags: {sysconfig.get_config_var("CFLAGS")}')
    for source in chosen:
        # interleaved, so drifts of the machine's speed hit every flag set
        for name, extra in flag_sets.items():
            seconds[name].append(
                time_compile(compile_command(source, args.source_dir, extra)))
        print(f'  {osp.relpath(source, args.source_dir)}: ' + ', '.join(
            f'{times[-1]:.1f} s' for times in seconds.values()))
    reference = sum(seconds['reference (Python\'s CFLAGS)'])
    for name, times in seconds.items():
        total = sum(times)
        print(f'{name:32s} {total / len(times):6.1f} s/file  '
              f'ratio {total / reference:.2f}  '
              f'all {len(files)} files serially ~'
              f'{total / len(times) * len(files) / 60:.1f} min')


if __name__ == '__main__':
    main()
