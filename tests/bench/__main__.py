"""Runs every benchmark module, or those named:
python -m tests.bench [staff suggestions export http imports kbo bouwstenen]."""
import importlib
import os
import sys

MODULES = ["staff", "suggestions", "export", "http", "imports", "kbo", "bouwstenen"]


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portaal.settings_test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    # A throwaway database (in memory on SQLite, bench_<pid> on PostgreSQL) of its own: never
    # the test_<name> database of a test run that may be going on beside the benchmark.
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = f"bench_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(argv)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(argv: list[str]) -> None:
    for name in argv or MODULES:
        try:
            module = importlib.import_module(f"tests.bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.bench.{name}":
                raise
            print(f"== {name}: (nog) geen benchmark")
            continue
        print(f"== {name}")
        module.run()


if __name__ == "__main__":
    main(sys.argv[1:])
