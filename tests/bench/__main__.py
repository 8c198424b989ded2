"""Runs every benchmark module, or those named: python -m tests.bench [staff suggestions export]."""
import importlib
import os
import sys

MODULES = ["staff", "suggestions", "export"]


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portaal.settings_test")
    import django

    django.setup()
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
