# Copyright (c) mmweakseg contributors. All rights reserved.
"""``tools/setup_env.sh`` on an environment that already matches changes
nothing: in particular it does not reinstall mmweakseg (a tool started
meanwhile would fail with ``No module named 'mmweakseg'``).

The script runs against a stand-in virtual environment whose ``python``
records every command; it runs this interpreter for the Python version
check and the check of the installed mmweakseg, answers the torch and mmcv
checks as a complete environment would, and never runs ``pip`` or
``venv``, so the test installs nothing."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
RECORDING_PYTHON = '''#!/usr/bin/env bash
echo "$*" >> "{log}"
case " $* " in
  *" -m pip "*|*" -m venv "*) exit 0 ;;
  *version_info*|*importlib.metadata*) exec "{python}" "$@" ;;
esac
echo "setup_env: stand-in answer"
'''

pytestmark = pytest.mark.skipif(
    shutil.which('g++') is None, reason='setup_env.sh needs g++ on PATH')


def run_with_stand_in(tmp_path: Path, stand_in: str, package_root: Path,
                      **env_vars: str) -> subprocess.CompletedProcess:
    """Run the script with the stand-in virtual environment ``stand_in``
    (recording into ``tmp_path / 'commands.log'``), importing mmweakseg
    from ``package_root``, with ``env_vars`` set."""
    python = tmp_path / 'venv' / 'bin' / 'python'
    python.parent.mkdir(parents=True)
    python.write_text(
        stand_in.format(log=tmp_path / 'commands.log', python=sys.executable))
    python.chmod(0o755)
    env = dict(
        os.environ,
        MMWEAKSEG_VENV=str(tmp_path / 'venv'),
        MMWEAKSEG_CACHE=str(tmp_path / 'cache'),
        PYTHON=str(python),
        PYTHONPATH=str(package_root),
        OMP_NUM_THREADS='1',
        **env_vars)
    return subprocess.run(
        ['bash', str(REPO / 'tools' / 'setup_env.sh')],
        env=env,
        capture_output=True,
        text=True)


def run_setup_env(tmp_path: Path, package_root: Path) -> str:
    """Run the script with the complete stand-in environment; return the
    recorded commands."""
    result = run_with_stand_in(tmp_path, RECORDING_PYTHON, package_root)
    assert result.returncode == 0, result.stderr[-3000:]
    return (tmp_path / 'commands.log').read_text()


def test_matching_environment_is_not_reinstalled(tmp_path):
    commands = run_setup_env(tmp_path, REPO)
    assert '-m pip' in commands  # requirements verified (pip no-ops)
    assert ' -e ' not in commands, commands


def test_other_checkout_is_installed(tmp_path):
    """The package imported from another folder than this repository is
    reinstalled from it."""
    other = tmp_path / 'other'
    (other / 'mmweakseg').mkdir(parents=True)
    (other / 'mmweakseg' / '__init__.py').write_text("__version__ = '0'\n")
    commands = run_setup_env(tmp_path, other)
    assert f'-e {REPO}' in commands, commands


# A stand-in whose mmcv is missing: `pip download` writes a minimal mmcv
# sdist, `pip wheel` prints ninja's progress lines (or fails with
# FAIL_BUILD=1) and writes a wheel; the flags it was given are recorded.
BUILDING_PYTHON = '''#!/usr/bin/env bash
echo "$*" >> "{log}"
out= prev=
for arg in "$@"; do
  case "$prev" in -d|-w) out=$arg ;; esac
  prev=$arg
done
case " $* " in
  *" -m pip "*" download "*)
    mkdir -p "$out/src/mmcv-2.1.0"
    echo "cxx = ['-std=c++17']" > "$out/src/mmcv-2.1.0/setup.py"
    tar -czf "$out/mmcv-2.1.0.tar.gz" -C "$out/src" mmcv-2.1.0
    exit 0 ;;
  *" -m pip "*" wheel -v "*)
    echo "build env: CFLAGS=$CFLAGS MAX_JOBS=$MAX_JOBS PATH=$PATH" >> "{log}"
    grep -- -std= setup.py >> "{log}"
    echo "Processing /tmp/mmcv-2.1.0"
    echo "[1/3] c++ -MMD -I/x -c /b/mmcv/ops/csrc/pytorch/nms.cpp -o nms.o"
    echo "[2/3] c++ -MMD -I/x -c /b/mmcv/ops/csrc/pytorch/cpu/roi_align.cpp -o r.o"
    if [ -n "$FAIL_BUILD" ]; then echo "roi_align.cpp:1: error: broken"; exit 1; fi
    echo "[3/3] c++ nms.o r.o -shared -o _ext.so"
    touch "$out/mmcv-2.1.0-cp311-cp311-linux_x86_64.whl"
    exit 0 ;;
  *" -m pip "*|*" -m venv "*) exit 0 ;;
  *"import mmcv, mmcv.ops"*) exit 1 ;;
  *version_info*|*importlib.metadata*) exec "{python}" "$@" ;;
esac
echo "setup_env: stand-in answer"
'''


def run_mmcv_build(tmp_path: Path, fail: bool) -> subprocess.CompletedProcess:
    """Run the script with a stand-in environment that lacks mmcv (no
    ``CFLAGS`` of the caller's, ``MAX_JOBS=3``)."""
    env_vars = dict(MAX_JOBS='3', CFLAGS='')
    if fail:
        env_vars['FAIL_BUILD'] = '1'
    return run_with_stand_in(tmp_path, BUILDING_PYTHON, REPO, **env_vars)


def test_mmcv_build_shows_progress_and_caches_the_wheel(tmp_path):
    result = run_mmcv_build(tmp_path, fail=False)
    assert result.returncode == 0, result.stderr[-3000:]
    progress = [
        line for line in result.stderr.splitlines()
        if line.startswith('setup_env: mmcv [')
    ]
    assert [line.rsplit(' (', 1)[0] for line in progress] == [
        'setup_env: mmcv [1/3] nms.cpp', 'setup_env: mmcv [2/3] roi_align.cpp',
        'setup_env: mmcv [3/3] linking'
    ]
    assert all(line.endswith(')') for line in progress)  # elapsed m:ss
    commands = (tmp_path / 'commands.log').read_text()
    # built with ninja from the venv, without debug information, C++20
    assert 'install -q ninja' in commands
    assert 'CFLAGS= -g0 MAX_JOBS=3' in commands
    assert f'PATH={tmp_path}/venv/bin:' in commands
    assert "cxx = ['-std=c++20']" in commands
    cached = list((tmp_path / 'cache').glob('mmcv-2.1.0-*/mmcv-2.1.0-*.whl'))
    assert len(cached) == 1
    assert f'install -q --no-deps {cached[0]}' in commands
    # the whole output of the build is kept
    log = next((tmp_path / 'cache').glob('*.build.log')).read_text()
    assert 'Processing /tmp/mmcv-2.1.0' in log


def test_failed_mmcv_build_names_its_log_and_caches_nothing(tmp_path):
    result = run_mmcv_build(tmp_path, fail=True)
    assert result.returncode != 0
    log = next((tmp_path / 'cache').glob('*.build.log'))
    assert f"building mmcv failed; the compiler's output is in {log}" \
        in result.stderr
    assert 'error: broken' in log.read_text()
    assert not list((tmp_path / 'cache').glob('mmcv-2.1.0-*/*.whl'))
