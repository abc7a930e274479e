# Copyright (c) mmweakseg contributors. All rights reserved.
"""The layering of README's "Code map": each subpackage imports only from
itself and the subpackages before it in ``LAYERS``."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / 'mmweakseg'
# bottom first; a subpackage may import from itself and those before it
LAYERS = ('utils', 'datasets', 'evaluation', 'models', 'visualization',
          'engine', 'apis', 'workflows', 'benchmarks')


def imported_subpackages(path: Path) -> set:
    """The ``mmweakseg`` subpackages that a module imports, absolute or
    relative imports alike."""
    module_parts = path.relative_to(PACKAGE.parent).with_suffix('').parts
    if path.name == '__init__.py':
        module_parts = module_parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_parts[:len(module_parts) - node.level + (
                    path.name == '__init__.py')]
                target = list(base) + (node.module.split('.')
                                       if node.module else [])
            else:
                target = (node.module or '').split('.')
            names = [target] if len(target) > 1 else [
                target + [alias.name] for alias in node.names
            ]
        elif isinstance(node, ast.Import):
            names = [alias.name.split('.') for alias in node.names]
        else:
            continue
        for name in names:
            if name[0] == 'mmweakseg' and len(name) > 1:
                found.add(name[1])
    return found


def test_every_subpackage_has_a_layer():
    subpackages = {p.name for p in PACKAGE.iterdir()
                   if (p / '__init__.py').is_file()}
    assert subpackages == set(LAYERS)


@pytest.mark.parametrize('layer', LAYERS)
def test_no_import_from_a_layer_above(layer):
    allowed = set(LAYERS[:LAYERS.index(layer) + 1])
    offending = {
        str(path.relative_to(PACKAGE)): sorted(
            imported_subpackages(path) & set(LAYERS) - allowed)
        for path in (PACKAGE / layer).rglob('*.py')
    }
    assert not {k: v for k, v in offending.items() if v}


def test_the_check_sees_relative_imports(tmp_path):
    """The parser resolves ``from ...utils import x`` inside
    ``engine/hooks/`` to ``utils`` (a check that finds nothing proves
    nothing otherwise)."""
    hook = PACKAGE / 'engine' / 'hooks' / 'atomic_checkpoint_hook.py'
    assert 'utils' in imported_subpackages(hook)
    decomposition = PACKAGE / 'engine' / 'hooks' / \
        'decomposition_visualization_hook.py'
    assert 'visualization' in imported_subpackages(decomposition)
