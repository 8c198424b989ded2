"""A synthetic round with planted groups plus noise, to measure how well the suggestions recover them (tests, bench)."""
import random
from dataclasses import dataclass
from itertools import combinations

from django.db import transaction

from registraties.constants import Actie, RegistratieStatus, Thema, Vaardigheid
from registraties.demo import demo_answers, valid_ondernemingsnummer
from registraties.models import Registratie
from tests.factories import registratie_build
from verkenning.models import Ronde

SECTORS = (
    "bouw", "voeding", "zorg", "welzijn", "logistiek", "transport", "metaal", "chemie",
    "textiel", "hout", "meubel", "grafische sector", "horeca", "toerisme", "kinderopvang",
    "schoonmaak", "bewaking", "uitzendsector", "handel", "bankwezen", "verzekeringen",
    "landbouw", "tuinbouw", "garages", "elektriciens", "kappers", "cultuur", "sport",
    "onderwijs", "energie", "havens", "bakkerij", "slagerij", "drukkerij", "afvalbeheer",
    "papier", "glas", "kunststof", "diamant", "vrije beroepen",
)
GENERIC_WORDS = (
    "medewerkers", "opleiding", "vaardigheden", "bedrijven", "ondernemingen", "kennis",
    "werkvloer", "personeel", "leren", "competenties", "functies", "werknemers", "begeleiding",
    "digitalisering", "sector", "instroom", "uitstroom", "loopbaan", "coaching", "screening",
)
_SYLLABLES = ("ba", "de", "ki", "lo", "mu", "ne", "po", "ra", "si", "to", "va", "we", "zo",
              "fer", "gal", "hin", "jor", "kas", "lum", "mor", "nik", "pal", "rit", "sel")


@dataclass(frozen=True)
class SyntheticRound:
    answers: list[dict]
    labels: list[int | None]  # the planted group of each answer set; None for noise


def _word(rng: random.Random, used: set[str]) -> str:
    while True:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))
        if word not in used:
            used.add(word)
            return word


def synthetic_round(count: int, *, seed: int = 7, noise: float = 0.15,
                    min_size: int = 3, max_size: int = 8) -> SyntheticRound:
    """``count`` answer sets: planted groups of ``min_size``–``max_size`` and a share of noise.

    A group shares a profile (two sectors, joint committees, themes, skills, a handful of
    challenge words and sometimes a value chain); each member keeps most of it and adds
    words of its own, as real organisations do.
    """
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    base_rows = demo_answers(count, seed=seed)
    used_words: set[str] = set()
    numbers: set[str] = set()
    pcs = [str(n) for n in rng.sample(range(100, 341), 80)]
    labels: list[int | None] = []
    rows: list[dict] = []
    group = 0
    noise_target = round(count * noise)
    grouped_target = count - noise_target

    def enterprise_number() -> str:
        while True:
            number = valid_ondernemingsnummer(rng)
            if number not in numbers:
                numbers.add(number)
                return number

    while len(rows) < grouped_target:
        size = min(rng.randint(min_size, max_size), grouped_target - len(rows))
        if size < min_size and rows:
            size = grouped_target - len(rows)
        sectors = rng.sample(SECTORS, 2)
        group_pcs = rng.sample(pcs, 2)
        themes = rng.sample(Thema.values[:4], rng.randint(1, 2))
        skills = rng.sample(Vaardigheid.values[:3], rng.randint(1, 2))
        topic = [_word(rng, used_words) for _ in range(6)]
        chain = [_word(rng, used_words) for _ in range(3)] if rng.random() < 0.4 else []
        roles = list(Actie.values)
        rng.shuffle(roles)
        for k in range(size):
            row = dict(base_rows[len(rows)])
            words = rng.sample(topic, rng.randint(3, 4)) + rng.sample(GENERIC_WORDS, 2)
            rng.shuffle(words)
            member_themes = [t for t in themes if rng.random() < 0.85] or themes[:1]
            if rng.random() < 0.2:
                member_themes.append(rng.choice(Thema.values[:4]))
            member_skills = [s for s in skills if rng.random() < 0.85] or skills[:1]
            row.update(
                naam=f"Groep {group + 1} organisatie {k + 1}",
                ondernemingsnummer=enterprise_number(),
                sectoren=", ".join(s for s in sectors if rng.random() < 0.85) or sectors[0],
                paritaire_comites=", ".join(p for p in group_pcs if rng.random() < 0.8),
                themas=sorted(set(member_themes)),
                vaardigheden=sorted(set(member_skills)),
                rollen=sorted({roles[k % 4], *rng.sample(Actie.values, rng.randint(0, 2))}),
                competentie_uitdagingen="Wij willen werken aan " + ", ".join(words) + ".",
                keten=("De keten van " + " via ".join(w for w in chain if rng.random() < 0.9))
                if chain else "",
            )
            rows.append(row)
            labels.append(group)
        group += 1

    for k in range(noise_target):
        row = dict(base_rows[len(rows)])
        words = [_word(rng, used_words) for _ in range(4)] + rng.sample(GENERIC_WORDS, 2)
        row.update(
            naam=f"Losse organisatie {k + 1}",
            ondernemingsnummer=enterprise_number(),
            sectoren=rng.choice(SECTORS),
            paritaire_comites=rng.choice(pcs),
            themas=[rng.choice(Thema.values[:4])],
            vaardigheden=[rng.choice(Vaardigheid.values[:3])],
            rollen=rng.sample(Actie.values, rng.randint(1, 2)),
            competentie_uitdagingen="Wij willen werken aan " + ", ".join(words) + ".",
            keten="",
        )
        rows.append(row)
        labels.append(None)

    order = list(range(len(rows)))
    rng.shuffle(order)  # planted groups must not be recoverable from the insertion order
    return SyntheticRound(answers=[rows[i] for i in order], labels=[labels[i] for i in order])


@transaction.atomic
def insert_round(ronde: Ronde, answers: list[dict],
                 status: str = RegistratieStatus.ONTVANKELIJK) -> list[Registratie]:
    """Store answer sets fast (one bulk insert) as registrations of ``ronde``; for tests and benchmarks."""
    start = ronde.laatste_volgnummer
    objects = []
    for offset, data in enumerate(answers, start=1):
        objects.append(registratie_build(ronde=ronde, volgnummer=start + offset,
                                                  data=data, status=status))
    Ronde.objects.filter(pk=ronde.pk).update(laatste_volgnummer=start + len(answers))
    ronde.laatste_volgnummer = start + len(answers)
    return Registratie.objects.bulk_create(objects, batch_size=500)


def pairwise_scores(truth: list[int | None], predicted: list[int | None]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of a grouping; None means 'in no group'."""
    def pairs(labels):
        by_group: dict[int, list[int]] = {}
        for i, label in enumerate(labels):
            if label is not None:
                by_group.setdefault(label, []).append(i)
        return {pair for members in by_group.values() for pair in combinations(members, 2)}

    true_pairs, found_pairs = pairs(truth), pairs(predicted)
    hits = len(true_pairs & found_pairs)
    precision = hits / len(found_pairs) if found_pairs else 0.0
    recall = hits / len(true_pairs) if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand_index(truth: list[int | None], predicted: list[int | None]) -> float:
    """Hubert and Arabie's adjusted Rand index; each None is a group of its own."""
    def labelled(labels):
        return [("g", label) if label is not None else ("los", i) for i, label in enumerate(labels)]

    def pairs(count: int) -> float:
        return count * (count - 1) / 2

    t, p = labelled(truth), labelled(predicted)
    cells: dict[tuple, int] = {}
    rows: dict = {}
    cols: dict = {}
    for a, b in zip(t, p, strict=True):
        cells[(a, b)] = cells.get((a, b), 0) + 1
        rows[a] = rows.get(a, 0) + 1
        cols[b] = cols.get(b, 0) + 1
    index = sum(pairs(n) for n in cells.values())
    row_sum = sum(pairs(n) for n in rows.values())
    col_sum = sum(pairs(n) for n in cols.values())
    expected = row_sum * col_sum / pairs(len(t)) if len(t) > 1 else 0.0
    maximum = (row_sum + col_sum) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0
