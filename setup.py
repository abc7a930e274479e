# Copyright (c) mmweakseg contributors. All rights reserved.
"""Install mmweakseg. The compiled stack (torch, mmcv with ops) is built by
``tools/setup_env.sh``; ``pip install -e .`` installs the pure-Python rest."""
import os.path as osp

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


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
        python_requires='>=3.11',
        install_requires=parse_requirements('torch', 'mmcv', 'runtime'),
        extras_require=dict(tests=parse_requirements('tests')),
        zip_safe=False)
