# Copyright (c) mmweakseg contributors. All rights reserved.
"""Install mmweakseg. The compiled stack (torch, mmcv with ops) is built by
``tools/setup_env.sh``; ``pip install -e .`` installs the pure-Python rest."""
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))
# shipped inside the package, as mmseg ships its ``.mim``: the workflows run
# the tools in child processes (mmweakseg/workflows/tool_scripts.py)
MIM_FOLDERS = ('tools', 'configs')


class BuildPyWithTools(build_py):
    """``build_py`` that also copies ``tools/`` and ``configs/`` into
    ``mmweakseg/.mim/`` of the build (wheels and regular installs; an
    editable install reads them from the checkout)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in MIM_FOLDERS:
            target = osp.join(self.build_lib, 'mmweakseg', '.mim', name)
            shutil.copytree(
                osp.join(HERE, name),
                target,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


def get_version() -> str:
    namespace: dict = {}
    with open(osp.join(HERE, 'mmweakseg', 'version.py')) as f:
        exec(compile(f.read(), 'version.py', 'exec'), namespace)
    return namespace['__version__']


def parse_requirements(*names: str) -> list:
    """Read requirement lines from ``requirements/<name>.txt`` files."""
    requires = []
    for name in names:
        with open(osp.join(HERE, 'requirements', f'{name}.txt')) as f:
            requires += [
                line.strip() for line in f
                if line.strip() and not line.startswith('#')
            ]
    return requires


if __name__ == '__main__':
    setup(
        name='mmweakseg',
        version=get_version(),
        description='Weakly supervised semantic segmentation from image tags '
        'by reconstruction from a structured decomposition, on MMSegmentation',
        long_description=open(osp.join(HERE, 'README.md')).read()
        if osp.exists(osp.join(HERE, 'README.md')) else '',
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        packages=find_packages(exclude=('configs', 'tools', 'tests', 'demo')),
        include_package_data=True,
        cmdclass=dict(build_py=BuildPyWithTools),
        python_requires='>=3.11',
        install_requires=parse_requirements('torch', 'mmcv', 'runtime'),
        extras_require=dict(tests=parse_requirements('tests')),
        zip_safe=False)
