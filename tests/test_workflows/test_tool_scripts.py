# Copyright (c) mmweakseg contributors. All rights reserved.
import subprocess
import sys
from pathlib import Path

import pytest

from mmweakseg.workflows import tool_scripts

REPO = Path(__file__).parents[2]


def test_checkout_folders():
    assert Path(tool_scripts.tools_dir()) == REPO / 'tools'
    assert Path(tool_scripts.configs_dir()) == REPO / 'configs'


def test_build_ships_tools_and_configs(tmp_path):
    """A regular (non-editable) build copies tools/ and configs/ into the
    package, where the workflows find them before any checkout."""
    result = subprocess.run([
        sys.executable, 'setup.py', '-q', 'build_py', '--build-lib',
        str(tmp_path)
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    mim = tmp_path / 'mmweakseg' / '.mim'
    assert (mim / 'tools' / 'train.py').is_file()
    assert (mim / 'tools' / 'analysis_tools' / 'draw_figures.py').is_file()
    assert (mim / 'configs' / '_base_' / 'default_runtime.py').is_file()
    assert not list(mim.rglob('__pycache__'))


def test_installed_package_prefers_shipped_tools(tmp_path, monkeypatch):
    package = tmp_path / 'site-packages' / 'mmweakseg'
    (package / '.mim' / 'tools').mkdir(parents=True)
    (package / '.mim' / 'tools' / 'train.py').write_text('')
    monkeypatch.setattr(tool_scripts, 'PACKAGE_DIR', str(package))
    assert tool_scripts.tools_dir() == str(package / '.mim' / 'tools')
    with pytest.raises(FileNotFoundError, match='configs/ folder is neither'):
        tool_scripts.configs_dir()


def test_demo_configs_exist():
    configs = tool_scripts.demo_configs()
    assert sorted(configs) == ['cam', 'cls', 'retrain', 'seg', 'sup']
    for stage, path in configs.items():
        assert Path(path).is_file(), (stage, path)
