"""A small generated dump (full and update) of the register, shared by the KBO tests."""
import pytest

from kbo.synthetic import synthetic_dump

AANTAL = 300
SEED = 7


@pytest.fixture(scope="session")
def full_dump(tmp_path_factory):
    return synthetic_dump(tmp_path_factory.mktemp("kbo") / "full", aantal=AANTAL, seed=SEED)


@pytest.fixture(scope="session")
def update_dump(tmp_path_factory):
    return synthetic_dump(tmp_path_factory.mktemp("kbo") / "update", aantal=AANTAL, seed=SEED, update=True)


@pytest.fixture
def imported(db, full_dump):
    from kbo.importer import kbo_import

    return kbo_import(full_dump)


@pytest.fixture
def entities():
    from kbo.synthetic import synthetic_enterprises

    return list(synthetic_enterprises(AANTAL, seed=SEED))
