"""RegistratieForm has no mode of its own: each caller names its path, and the path × rule
table (eligibility.TABLE) alone decides what the rules do, also for the import's one form
re-bound for many rows."""
import pytest

from registraties.eligibility import Outcome, Path, outcome
from registraties.forms import RegistratieForm, stored_answers
from registraties.models import Registratie
from tests.factories import form_data, make_registratie

pytestmark = pytest.mark.django_db


def test_a_form_without_a_path_is_refused_rather_than_guessed(open_ronde):
    with pytest.raises(TypeError, match="path"):
        RegistratieForm(data=form_data(), ronde=open_ronde)
    stored = make_registratie(open_ronde)
    with pytest.raises(TypeError, match="path"):
        RegistratieForm(data=form_data(), instance=stored)


def test_the_reused_import_form_judges_each_row_as_its_path_asks(open_ronde):
    # Stored before the rule, say: operations in Flanders not confirmed.
    stored = make_registratie(open_ronde, werking_vlaanderen=False, postcode="9000",
                              toelichting_werking="")
    assert outcome("geen_werking_vlaanderen", Path.IMPORT_NEW) is Outcome.REFUSE
    assert outcome("geen_werking_vlaanderen", Path.IMPORT_CHANGED, {"naam"}) is Outcome.FLAG
    known = dict(Registratie.objects.filter(ronde=open_ronde)
                 .values_list("ondernemingsnummer", "pk"))
    form = RegistratieForm(ronde=open_ronde, path=Path.IMPORT_NEW, known_numbers=known)

    new_row = form_data(ondernemingsnummer="0403.170.701")
    new_row.pop("werking_vlaanderen")
    assert not form.rebind(new_row, Registratie(ronde=open_ronde), path=Path.IMPORT_NEW).is_valid()
    assert form.has_error("werking_vlaanderen", "geen_werking_vlaanderen")

    # The next row changes only the name of the stored registration: kept, flagged.
    changed_row = {**stored_answers(stored), "naam": "Nieuwe naam vzw"}
    assert form.rebind(changed_row, Registratie.objects.get(pk=stored.pk), path=Path.IMPORT_CHANGED,
                       stored=stored_answers(stored)).is_valid(), form.errors
    assert [notice.rule.code for notice in form.notices] == ["geen_werking_vlaanderen"]

    alone = RegistratieForm(data=changed_row, instance=Registratie.objects.get(pk=stored.pk),
                            path=Path.IMPORT_CHANGED)
    assert alone.is_valid(), alone.errors
    assert alone.notices == form.notices
    assert alone.answers() == form.answers()
