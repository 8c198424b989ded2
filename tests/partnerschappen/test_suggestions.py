"""The suggestion engine: recovers planted groups, is deterministic, explains only true facts."""
import re

import pytest

from partnerschappen import services
from partnerschappen.constants import PartnerschapStatus
from partnerschappen.suggestions import MAX_SIZE, MIN_SIZE, suggest_partnerships
from registraties.constants import Actie, RegistratieStatus, Thema, Vaardigheid
from registraties.demo import demo_answers
from registraties.models import Registratie
from tests.synthetic import (
    adjusted_rand_index,
    insert_round,
    pairwise_scores,
    synthetic_round,
)

pytestmark = pytest.mark.django_db

DEMO_STATUSES = ([RegistratieStatus.INGEDIEND] * 4 + [RegistratieStatus.IN_BEHANDELING] * 3
                 + [RegistratieStatus.ONTVANKELIJK] * 3 + [RegistratieStatus.NIET_ONTVANKELIJK])


@pytest.fixture
def demo_round(open_ronde):
    registraties = insert_round(open_ronde, demo_answers(40))
    for index, registratie in enumerate(registraties):
        registratie.status = DEMO_STATUSES[index % len(DEMO_STATUSES)]
    Registratie.objects.bulk_update(registraties, ["status"])
    return open_ronde


def test_suggestions_recover_planted_groups(open_ronde):
    planted = synthetic_round(150, seed=7)
    registraties = insert_round(open_ronde, planted.answers)
    position = {r.pk: i for i, r in enumerate(registraties)}

    found: list[int | None] = [None] * len(registraties)
    for number, suggestion in enumerate(suggest_partnerships(ronde=open_ronde)):
        for pk in suggestion.members:
            found[position[pk]] = number

    precision, recall, f1 = pairwise_scores(planted.labels, found)
    assert f1 >= 0.8, (precision, recall, f1)
    assert adjusted_rand_index(planted.labels, found) >= 0.8


def test_pairwise_f1_counts_pairs_put_together():
    assert pairwise_scores([0, 0, 1, 1, None], [0, 0, 1, 1, None]) == (1.0, 1.0, 1.0)
    assert pairwise_scores([0, 0, 0, None], [0, 0, None, None]) == (1.0, 1 / 3, 0.5)
    assert pairwise_scores([0, 0, None], [1, 1, 1]) == (1 / 3, 1.0, 0.5)


def test_the_adjusted_rand_index_is_one_for_the_same_grouping_and_near_zero_for_chance():
    assert adjusted_rand_index([0, 0, 1, 1, None], [5, 5, 7, 7, None]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) < 0


def test_the_same_data_gives_the_same_suggestions(open_ronde):
    insert_round(open_ronde, synthetic_round(80, seed=3).answers)

    first = suggest_partnerships(ronde=open_ronde)
    second = suggest_partnerships(ronde=open_ronde)

    assert [(s.key, s.members, s.explanation) for s in first] == \
        [(s.key, s.members, s.explanation) for s in second]
    assert first


def test_groups_have_three_to_eight_members(open_ronde):
    insert_round(open_ronde, synthetic_round(200, seed=11).answers)

    sizes = [s.size for s in suggest_partnerships(ronde=open_ronde)]

    assert sizes
    assert all(MIN_SIZE <= size <= MAX_SIZE for size in sizes)


def test_the_demo_round_yields_its_natural_groups(demo_round):
    suggestions = suggest_partnerships(ronde=demo_round)

    assert len(suggestions) >= 4
    for suggestion in suggestions:
        # Each group is one of the demo's clusters: all members serve the same sectors.
        assert len({r.sectoren for r in suggestion.registraties}) == 1, suggestion.names


def test_only_eligible_registrations_outside_active_partnerships_are_suggested(demo_round):
    first = suggest_partnerships(ronde=demo_round)[0]
    taken = first.registraties[:2]
    services.partnerschap_create(ronde=demo_round, naam="Al bezig", registraties=taken)
    stopped = first.registraties[2]
    services.partnerschap_create(ronde=demo_round, naam="Gestopt", registraties=[stopped, taken[0]],
                                 status=PartnerschapStatus.AFGEHAAKT)

    suggested = {pk for s in suggest_partnerships(ronde=demo_round) for pk in s.members}

    refused = set(Registratie.objects.filter(status=RegistratieStatus.NIET_ONTVANKELIJK)
                  .values_list("pk", flat=True))
    assert refused and not suggested & refused
    assert not suggested & {r.pk for r in taken}
    assert stopped.pk in suggested


def test_computing_suggestions_takes_one_query_whatever_the_size(open_ronde, django_assert_num_queries):
    insert_round(open_ronde, synthetic_round(120, seed=5).answers)

    with django_assert_num_queries(1):
        suggest_partnerships(ronde=open_ronde)


# --- every explanation mentions only facts true of its members --------------------------------

def _words(text: str) -> set[str]:
    return set(re.findall(r"[0-9a-zà-ÿ]+(?:[.-][0-9a-zà-ÿ]+)*", text.lower()))


def _holds(kind: str, value: str, label: str, r: Registratie) -> bool:
    """Whether a fact is true of a registration, judged from its raw answers."""
    if kind == "thema":
        return value in r.themas
    if kind == "vaardigheid":
        return value in r.vaardigheden
    if kind == "sector":
        return label in [part.strip().lower() for part in re.split(r"[,;/&+]| en | of ", r.sectoren)]
    if kind == "paritair_comite":
        return re.search(rf"\b{value}\b", r.paritaire_comites) is not None
    text = r.keten if kind == "keten" else r.competentie_uitdagingen
    return bool(set(label.split("/")) & _words(text))


def assert_explanation_is_true(suggestion):
    members = suggestion.registraties
    assert [r.pk for r in members] == suggestion.members
    text = "\n".join(suggestion.explanation)
    total = len(members)
    for fact in suggestion.facts:
        holders = tuple(r.pk for r in members if _holds(fact.kind, fact.value, fact.label, r))
        assert fact.members == holders, (fact, holders)
        assert len(holders) >= 2
        assert f"{fact.label} ({len(holders)} van {total})" in text

    # No theme or skill is named unless it is a fact of this group.
    named = {f.value for f in suggestion.facts if f.kind in ("thema", "vaardigheid")}
    for prefix, choices in (("Gedeelde thema's: ", Thema.choices),
                            ("Gedeelde generieke vaardigheden: ", Vaardigheid.choices)):
        line = next((line for line in suggestion.explanation if line.startswith(prefix)), "")
        for code, label in choices:
            if f"{label} (" in line:
                assert code in named, label

    action_label = dict(Actie.choices)
    taken = {code for r in members for code in r.rollen}
    missing = [str(action_label[code]) for code in Actie.values if code not in taken]
    if missing:
        assert f"Ontbreekt nog: {', '.join(missing)}. Zoek een partner die dat opneemt." in text
    else:
        assert "Samen nemen ze alle vier de acties van de oproep op." in text

    directors = [r for r in members if Actie.REGIE in r.rollen]
    if directors:
        regisseur = next(r for r in members if r.pk == suggestion.regisseur)
        assert Actie.REGIE in regisseur.rollen
        assert f"Regierol: {regisseur.naam} is bereid die op te nemen." in text
    else:
        assert suggestion.regisseur is None
        assert "Niemand in deze groep gaf aan de regierol te willen opnemen." in text


def test_every_explanation_of_the_demo_round_is_true_of_its_members(demo_round):
    suggestions = suggest_partnerships(ronde=demo_round)

    assert suggestions
    for suggestion in suggestions:
        assert_explanation_is_true(suggestion)


def test_every_explanation_of_a_synthetic_round_is_true_of_its_members(open_ronde):
    planted = synthetic_round(120, seed=9)
    insert_round(open_ronde, planted.answers)
    planted_groups = {label for label in planted.labels if label is not None}
    assert len(planted_groups) >= 10

    suggestions = suggest_partnerships(ronde=open_ronde)

    # Else the loop below checks nothing: at least half the planted groups come back.
    assert len(suggestions) >= len(planted_groups) // 2, (len(suggestions), len(planted_groups))
    for suggestion in suggestions:
        assert_explanation_is_true(suggestion)


def test_an_explanation_says_which_words_the_challenges_share(demo_round):
    suggestions = suggest_partnerships(ronde=demo_round)
    logistiek = next(s for s in suggestions if "logistiek" in s.registraties[0].sectoren)

    text = "\n".join(logistiek.explanation)

    assert "Sector: transport" in text
    assert "Woorden uit hun ketenbeschrijving: " in text
    assert "distributiecentrum" in text
    assert logistiek.basis == "keten"
