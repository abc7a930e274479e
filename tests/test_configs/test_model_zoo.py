# Copyright (c) mmweakseg contributors. All rights reserved.
"""The model-zoo pages (``configs/<method>/README.md`` + ``metafile.yaml``,
mmseg's format) agree with the configs that exist."""
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).parents[2]
ZOO_FOLDERS = ('tag_classifier', 'recon_decomp', 'cam', 'retrained')


def load_metafile(folder: str) -> dict:
    with open(REPO / 'configs' / folder / 'metafile.yaml') as file:
        return yaml.safe_load(file)


@pytest.mark.parametrize('folder', ZOO_FOLDERS)
def test_metafile_matches_configs(folder):
    meta = load_metafile(folder)
    collections = {c['Name']: c for c in meta['Collections']}
    for collection in collections.values():
        assert (REPO / collection['README']).is_file()
    readme = (REPO / 'configs' / folder / 'README.md').read_text()
    names = []
    for model in meta['Models']:
        assert model['In Collection'] in collections, model['Name']
        config = REPO / model['Config']
        assert config.is_file(), model['Config']
        assert config.stem == model['Name']
        assert model['Name'] in readme, f'{model["Name"]} not on the page'
        results = model.get('Results', [])
        for result in results if isinstance(results, list) else [results]:
            assert result['Dataset'] and result['Task']
            for metric, value in result['Metrics'].items():
                assert isinstance(value, (int, float)), (model['Name'],
                                                        metric)
                # every number of the metafile is on the page
                assert f'{value:.2f}' in readme, (model['Name'], metric)
        names.append(model['Name'])
    configs = sorted(p.stem for p in (REPO / 'configs' / folder).glob('*.py'))
    assert sorted(names) == configs


def test_every_page_is_linked_from_readme():
    readme = (REPO / 'README.md').read_text()
    for folder in ZOO_FOLDERS:
        assert f'configs/{folder}/README.md' in readme, folder
