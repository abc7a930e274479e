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


def run_setup_env(tmp_path: Path, package_root: Path) -> str:
    """Run the script with the stand-in environment, importing mmweakseg
    from ``package_root``; return the recorded commands."""
    log = tmp_path / 'commands.log'
    python = tmp_path / 'venv' / 'bin' / 'python'
    python.parent.mkdir(parents=True)
    python.write_text(RECORDING_PYTHON.format(log=log, python=sys.executable))
    python.chmod(0o755)
    env = dict(
        os.environ,
        MMWEAKSEG_VENV=str(tmp_path / 'venv'),
        MMWEAKSEG_CACHE=str(tmp_path / 'cache'),
        PYTHON=str(python),
        PYTHONPATH=str(package_root),
        OMP_NUM_THREADS='1')
    result = subprocess.run(['bash', str(REPO / 'tools' / 'setup_env.sh')],
                            env=env,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return log.read_text()


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
