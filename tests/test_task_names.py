"""Tasks are named after the service they run plus ``_task`` (README, "Layout"); the names
they had until issue 18 stay importable for one release, because queued rows name them."""
import importlib
import inspect
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from berichten.models import Bericht
from berichten.services import bericht_queue
from tests.berichten.helpers import DATABASE_TASKS, run_worker

# Every module that declares tasks; a new one belongs here.
TASK_MODULES = ("berichten.tasks", "registraties.services", "registraties.excel.tasks",
                "partnerschappen.bouwstenen.tasks")
# Old path → the task it now names. Remove together with the aliases after the next release.
OLD_NAMES = {
    "berichten.tasks.bericht_versturen": "berichten.tasks.bericht_send_task",
    "registraties.services.nieuwe_link_aanvragen":
        "registraties.services.registratie_mail_new_link_task",
    "registraties.excel.tasks.importbestand_voorvertonen":
        "registraties.excel.tasks.importbestand_preview_task",
    "registraties.excel.tasks.importbestand_importeren":
        "registraties.excel.tasks.importbestand_import_task",
}


def _tasks(module_name: str) -> dict[str, Task]:
    module = importlib.import_module(module_name)
    return {name: value for name, value in inspect.getmembers(module)
            if isinstance(value, Task) and value.func.__module__ == module_name}


@pytest.mark.parametrize("module_name", TASK_MODULES)
def test_each_task_runs_a_service_of_its_module_and_is_named_after_it(module_name):
    module = importlib.import_module(module_name)
    tasks = {name: task for name, task in _tasks(module_name).items()
             if f"{module_name}.{name}" not in OLD_NAMES}
    assert tasks
    for name, task in tasks.items():
        assert name == task.func.__name__
        assert name.endswith("_task")
        service = name.removesuffix("_task")
        assert callable(getattr(module, service, None)), f"{name}: no service {service}"
        assert service in inspect.getsource(task.func)


def test_every_task_module_is_listed():
    root = Path(__file__).resolve().parent.parent
    declaring = {".".join(path.relative_to(root).with_suffix("").parts)
                 for package in ("portaal", "verkenning", "kbo", "berichten", "registraties",
                                 "partnerschappen")
                 for path in (root / package).rglob("*.py")
                 if "@task" in path.read_text()}
    assert declaring == set(TASK_MODULES)


@pytest.mark.parametrize(("old", "new"), OLD_NAMES.items())
def test_a_row_queued_under_the_old_name_finds_the_task(old, new):
    """The worker imports what a row names (``DBTaskResult.task``)."""
    row = DBTaskResult(task_path=old, priority=0, queue_name="default", backend_name="default")
    assert row.task.func is DBTaskResult(task_path=new, priority=0, queue_name="default",
                                         backend_name="default").task.func


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_mail_queued_under_the_old_name_is_still_sent():
    bericht = bericht_queue(aan="an@example.test", onderwerp="Onderwerp", tekst="Tekst",
                            html="<p>Tekst</p>", soort="bevestiging")
    (row,) = DBTaskResult.objects.all()
    assert row.task_path == "berichten.tasks.bericht_send_task"
    DBTaskResult.objects.update(task_path="berichten.tasks.bericht_versturen")
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["an@example.test"]
    assert Bericht.objects.get(pk=bericht.pk).status == "verzonden"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
