"""The import's bulk save writes what saving one by one writes: references, derived fields, history."""
import random

import pytest
from django.forms.models import model_to_dict

from registraties import services
from registraties.demo import demo_answers, valid_ondernemingsnummer
from registraties.excel import bulk
from registraties.models import Registratie
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db

REASON = "Geïmporteerd uit Excel"
NOT_COMPARED = {"id", "ronde", "volgnummer", "referentie", "wijzig_token_hash"}


def answers(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = demo_answers(count, seed=seed)
    for row in rows:
        row["ondernemingsnummer"] = valid_ondernemingsnummer(rng)
    return rows


def stored(registratie) -> dict:
    return {k: v for k, v in model_to_dict(registratie).items() if k not in NOT_COMPARED}


def test_bulk_submit_stores_what_one_by_one_submission_stores(open_ronde, closed_ronde):
    rows = answers(25, seed=7)
    one_by_one = [services.registratie_submit(ronde=closed_ronde, data=row,
                                              check_open=False).registratie for row in rows]
    make_registratie(open_ronde)  # the round already has reference 0001

    created = bulk.registraties_bulk_submit(ronde=open_ronde, new=rows, updates=[],
                                                reason=REASON)

    assert [stored(Registratie.objects.get(pk=pk)) for pk in created] == \
        [stored(Registratie.objects.get(pk=r.pk)) for r in one_by_one]
    prefix = open_ronde.format_referentie(1).rsplit("-", 1)[0]
    references = sorted(Registratie.objects.filter(ronde=open_ronde)
                        .values_list("referentie", flat=True))
    assert references == [f"{prefix}-{n:04d}" for n in range(1, 27)]
    open_ronde.refresh_from_db()
    assert open_ronde.laatste_volgnummer == 26
    assert all(r.wijzig_token_hash for r in Registratie.objects.filter(ronde=open_ronde))
    for pk in created:
        entry = Registratie.objects.get(pk=pk).history.get()
        assert (entry.history_type, entry.history_change_reason) == ("+", REASON)


def test_bulk_update_writes_only_answers_on_the_current_row_with_a_history_reason(
        open_ronde, coordinator):
    registratie = make_registratie(open_ronde, postcode="9000", gemeente="Gent")
    stale = Registratie.objects.get(pk=registratie.pk)
    # Meanwhile a reviewer decides: the bulk update must not overwrite that with a stale copy.
    Registratie.objects.filter(pk=registratie.pk).update(status="ontvankelijk")
    data = dict(model_to_dict(stale), postcode="1000", gemeente="Brussel",
                toelichting_werking="Vooral Vlaamse ondernemingen.")

    bulk.registraties_bulk_submit(ronde=open_ronde, new=[], updates=[(stale.pk, data)],
                                      reason=REASON, user=coordinator)

    registratie.refresh_from_db()
    assert (registratie.gemeente, registratie.gewest, registratie.status) == \
        ("Brussel", "brussel", "ontvankelijk")
    assert registratie.gewijzigd_op > stale.gewijzigd_op
    entry = registratie.history.first()
    assert (entry.history_type, entry.history_change_reason, entry.history_user) == \
        ("~", REASON, coordinator)


def test_a_number_registered_meanwhile_makes_the_whole_bulk_save_fail(open_ronde):
    rows = answers(3, seed=11)
    make_registratie(open_ronde, ondernemingsnummer=rows[2]["ondernemingsnummer"])
    with pytest.raises(services.DuplicateRegistration):
        bulk.registraties_bulk_submit(ronde=open_ronde, new=rows, updates=[], reason=REASON)
    assert Registratie.objects.count() == 1
    open_ronde.refresh_from_db()
    assert open_ronde.laatste_volgnummer == 1


def test_import_mode_of_the_form_judges_rows_exactly_like_the_form(open_ronde):
    """One re-bound form with preloaded numbers gives the same verdicts as a fresh form."""
    from registraties.eligibility import Path
    from registraties.forms import RegistratieForm, stored_answers
    from tests.factories import form_data

    taken = make_registratie(open_ronde)
    rows = [
        form_data(),
        form_data(postcode="4000", gemeente="Luik"),
        form_data(ondernemingsnummer="0417.497.107"),
        form_data(ondernemingsnummer=taken.ondernemingsnummer),
        form_data(rechtsvorm="feitelijke_vereniging", aandeel_kleine_ondernemingen="150"),
        form_data(contact_email="geen-adres", themas=["sport"], naam=""),
        form_data(),
    ]
    known = dict(Registratie.objects.filter(ronde=open_ronde)
                 .values_list("ondernemingsnummer", "pk"))
    reused = RegistratieForm(ronde=open_ronde, path=Path.IMPORT_NEW, known_numbers=known)
    for data in rows:
        fresh = RegistratieForm(data=data, ronde=open_ronde, path=Path.IMPORT_NEW)
        fresh_errors = {name: list(errors) for name, errors in fresh.errors.items()}
        reused.rebind(data, Registratie(ronde=open_ronde), path=Path.IMPORT_NEW)
        assert {name: list(errors) for name, errors in reused.errors.items()} == fresh_errors
        if not fresh_errors:
            assert reused.cleaned_data == fresh.cleaned_data
    # The existing registration itself is no duplicate of itself.
    own = form_data(ondernemingsnummer=taken.ondernemingsnummer)
    assert "ondernemingsnummer" not in reused.rebind(own, taken, path=Path.IMPORT_CHANGED,
                                                     stored=stored_answers(taken)).errors
