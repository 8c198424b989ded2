"""Suggested partnerships: similar registrations grouped with networkx, each group explained in Dutch.

Similarity of two registrations mixes the words of their competency challenges and value
chain (tf-idf cosine), their sectors, joint committees, themes and generic skills. A sparse
graph of the strongest similarities goes through Louvain community detection (fixed seed,
nodes and edges added in a fixed order, so the same data gives the same groups); groups are
then brought to 3–8 members. Every suggestion carries the facts it rests on, each with the
members it is true of, and the Dutch explanation is written from those facts only.
"""
import hashlib
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx
import snowballstemmer
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registraties import review
from registraties.constants import Actie, Thema, Vaardigheid
from registraties.models import Registratie
from verkenning.models import Ronde

from .constants import Basis
from .models import Lidmaatschap

MIN_SIZE = 3
MAX_SIZE = 8
SEED = 2021

# Weights of the similarity parts; they sum to 1.
W_TEXT = 0.45
W_SECTOR = 0.2
W_PC = 0.15
W_THEME = 0.1
W_SKILL = 0.1

MIN_EDGE = 0.25  # weaker pairs are not linked at all: noise stays out of groups
NEIGHBOURS = 6  # each registration keeps its strongest links only (a sparse k-NN graph)
# A member must fit its group: a mean similarity to the others of at least MIN_FIT, and not
# far below how well the other members fit (RELATIVE_FIT of their median).
MIN_FIT = 0.4
RELATIVE_FIT = 0.6

STOPWORDS = frozenset("""
aan al alle als andere ander bij binnen bv bijvoorbeeld dan dat de deze die dit door
een en enz er ervan etc even geen hebben heeft het hoe hun ik in is je kan kunnen maar
meer met mee na naar niet nog nu of om onder ons onze ook op over per rond sinds te
ten ter tot tussen uit van vanuit veel via voor vooral waar wat we welke wij wie
worden wordt zijn zich zo zoals zowel kleine grote nieuwe minder keten ketens
""".split())  # noqa: SIM905 (a readable block of words)

_WORD = re.compile(r"[0-9a-zà-ÿ]+(?:[.-][0-9a-zà-ÿ]+)*")
_PC = re.compile(r"\b(\d{3})(?:\.\d{1,2})?\b")
_SECTOR_SPLIT = re.compile(r"[,;/&+]|\ben\b|\bof\b")


_STEMMER = snowballstemmer.stemmer("dutch")
# A Snowball stemmer keeps the word it works on in the instance: one thread at a time.
_STEMMER_LOCK = threading.Lock()


@lru_cache(maxsize=16_384)
def stem(word: str) -> str:
    """The Snowball Dutch stem, so that 'werknemer' and 'werknemers' count as one word."""
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


def tokens(text: str) -> list[tuple[str, str]]:
    """(stem, word) for every meaningful word of ``text``."""
    result = []
    for word in _WORD.findall((text or "").lower()):
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        result.append((stem(word), word))
    return result


def sector_names(text: str) -> list[str]:
    """The sectors an organisation listed, as normalised names ('bouw', 'installatietechniek')."""
    names = []
    for part in _SECTOR_SPLIT.split((text or "").lower()):
        name = " ".join(part.split()).strip(" .")
        if name and name not in names:
            names.append(name)
    return names


def joint_committees(text: str) -> list[str]:
    """Joint-committee numbers at the level of the committee: '124.1' counts as '124'."""
    return list(dict.fromkeys(_PC.findall(text or "")))


@dataclass(frozen=True)
class Profile:
    """What the engine knows of one registration."""

    pk: int
    naam: str
    # Tuples keep the order the organisation gave (sets would iterate in hash order, and
    # explanations must read the same in every process).
    themas: tuple[str, ...]
    vaardigheden: tuple[str, ...]
    rollen: frozenset[str]
    sectors: tuple[str, ...]
    sector_words: frozenset[str]
    pcs: tuple[str, ...]
    challenge: Counter  # stem -> count
    chain: Counter
    forms: dict  # stem -> words as written (challenge and chain)


def profile_of(registratie: Registratie) -> Profile:
    challenge = tokens(registratie.competentie_uitdagingen)
    chain = tokens(registratie.keten)
    forms: dict[str, set[str]] = defaultdict(set)
    for s, word in challenge + chain:
        forms[s].add(word)
    sectors = sector_names(registratie.sectoren)
    return Profile(
        pk=registratie.pk,
        naam=registratie.naam,
        themas=tuple(dict.fromkeys(t for t in registratie.themas or [] if t != Thema.ANDERE)),
        vaardigheden=tuple(dict.fromkeys(v for v in registratie.vaardigheden or []
                                         if v != Vaardigheid.ANDERE)),
        rollen=frozenset(registratie.rollen or []),
        sectors=tuple(sectors),
        sector_words=frozenset(s for name in sectors for s, _w in tokens(name)),
        pcs=tuple(joint_committees(registratie.paritaire_comites)),
        challenge=Counter(s for s, _w in challenge),
        chain=Counter(s for s, _w in chain),
        forms={s: frozenset(words) for s, words in forms.items()},
    )


# --- similarity graph ------------------------------------------------------------------

def _tfidf(profiles: Sequence[Profile], max_df: int) -> list[dict[str, float]]:
    docs = []
    for p in profiles:
        terms = Counter(p.challenge)
        terms.update({f"k:{s}": n for s, n in p.chain.items()})
        docs.append(terms)
    df = Counter(t for d in docs for t in d)
    n = len(docs)
    vectors = []
    for d in docs:
        # Words only this registration uses cannot be shared, but they still make its text
        # longer: they stay in the norm, else two texts sharing one common word look alike.
        vec = {t: (1 + math.log(c)) * math.log((1 + n) / df[t]) for t, c in d.items()
               if df[t] <= max_df}
        norm = math.sqrt(sum(w * w for w in vec.values()))
        vectors.append({t: w / norm for t, w in vec.items()} if norm else {})
    return vectors


def _jaccard(shared: int, a: int, b: int) -> float:
    union = a + b - shared
    return shared / union if union else 0.0


def _bits(values: Iterable[str], order: dict[str, int]) -> int:
    mask = 0
    for v in values:
        mask |= 1 << order[v]
    return mask


class Similarity:
    """Pairwise similarity of registrations (0–1), with the indexes that find candidate pairs fast."""

    def __init__(self, profiles: Sequence[Profile]):
        self.profiles = profiles
        n = len(profiles)
        self.max_df = max(12, n // 10)
        self.vectors = _tfidf(profiles, self.max_df)
        self.sector_sets = [p.sector_words for p in profiles]
        self.pc_sets = [frozenset(p.pcs) for p in profiles]
        theme_order = {v: i for i, v in enumerate(Thema.values)}
        skill_order = {v: i for i, v in enumerate(Vaardigheid.values)}
        self.theme_bits = [_bits(p.themas, theme_order) for p in profiles]
        self.skill_bits = [_bits(p.vaardigheden, skill_order) for p in profiles]
        self._cache: dict[tuple[int, int], float] = {}

    def pair(self, i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._pair(*key)
        return cached

    def _pair(self, i: int, j: int) -> float:
        vi, vj = self.vectors[i], self.vectors[j]
        if len(vj) < len(vi):
            vi, vj = vj, vi
        text = sum(w * vj.get(t, 0.0) for t, w in vi.items())
        si, sj = self.sector_sets[i], self.sector_sets[j]
        pi, pj = self.pc_sets[i], self.pc_sets[j]
        ti, tj = self.theme_bits[i], self.theme_bits[j]
        ki, kj = self.skill_bits[i], self.skill_bits[j]
        return (
            W_TEXT * min(1.0, text)
            + W_SECTOR * _jaccard(len(si & sj), len(si), len(sj))
            + W_PC * _jaccard(len(pi & pj), len(pi), len(pj))
            + W_THEME * _jaccard((ti & tj).bit_count(), ti.bit_count(), tj.bit_count())
            + W_SKILL * _jaccard((ki & kj).bit_count(), ki.bit_count(), kj.bit_count())
        )

    def candidate_pairs(self) -> list[tuple[int, int]]:
        """Pairs that share at least one telling word, sector word or joint committee."""
        pairs: set[tuple[int, int]] = set()
        index: dict[str, list[int]] = defaultdict(list)
        for i, vec in enumerate(self.vectors):
            for t in vec:
                index[t].append(i)
        for i, values in enumerate(self.sector_sets):
            for v in values:
                index[f"s:{v}"].append(i)
        for i, values in enumerate(self.pc_sets):
            for v in values:
                index[f"p:{v}"].append(i)
        for members in index.values():
            if len(members) > self.max_df * 3:
                continue  # a value nearly everyone shares says nothing about a pair
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    pairs.add((members[a], members[b]))
        return sorted(pairs)


def similarity_graph(profiles: Sequence[Profile], similarity: Similarity | None = None
                     ) -> nx.Graph:
    """Nodes are indexes into ``profiles``; an edge's weight is the pair's similarity (0–1)."""
    similarity = similarity or Similarity(profiles)
    n = len(profiles)
    best: list[list[tuple[float, int]]] = [[] for _ in range(n)]
    weights: dict[tuple[int, int], float] = {}
    for i, j in similarity.candidate_pairs():
        sim = similarity.pair(i, j)
        if sim >= MIN_EDGE:
            weights[(i, j)] = sim
            best[i].append((sim, j))
            best[j].append((sim, i))

    keep = set()
    for i, neighbours in enumerate(best):
        neighbours.sort(key=lambda item: (-item[0], item[1]))
        for _sim, j in neighbours[:NEIGHBOURS]:
            keep.add((min(i, j), max(i, j)))

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((i, j, weights[(i, j)]) for i, j in sorted(keep))
    return graph


# --- grouping --------------------------------------------------------------------------

def _communities(graph: nx.Graph, resolution: float = 1.0) -> list[list[int]]:
    found = nx.community.louvain_communities(graph, weight="weight", resolution=resolution,
                                             seed=SEED)
    return sorted((sorted(c) for c in found), key=lambda c: c[0])


def _split(graph: nx.Graph, nodes: list[int]) -> list[list[int]]:
    """Break a community larger than MAX_SIZE into parts of at most MAX_SIZE."""
    if len(nodes) <= MAX_SIZE:
        return [nodes]
    sub = graph.subgraph(nodes)
    for resolution in (1.5, 2.5, 4.0):
        parts = _communities(sub, resolution)
        if len(parts) > 1:
            return [piece for part in parts for piece in _split(graph, part)]
    # No structure left inside: cut along the strongest links, in near-equal parts.
    tree = nx.maximum_spanning_tree(sub, weight="weight")
    order = list(nx.dfs_preorder_nodes(tree, source=nodes[0])) if nx.is_connected(tree) \
        else nodes
    count = math.ceil(len(order) / MAX_SIZE)
    size = math.ceil(len(order) / count)
    return [sorted(order[k:k + size]) for k in range(0, len(order), size)]


def _fit(similarity: Similarity, i: int, group: Sequence[int]) -> float:
    """Mean similarity of ``i`` to the other members of ``group``."""
    others = [j for j in group if j != i]
    return sum(similarity.pair(i, j) for j in others) / len(others) if others else 0.0


def _prune(similarity: Similarity, group: list[int]) -> tuple[list[int], list[int]]:
    """Drop, weakest first, members that fit the group much worse than the others do."""
    group, dropped = list(group), []
    while len(group) >= MIN_SIZE:
        fits = {i: _fit(similarity, i, group) for i in group}
        ordered = sorted(fits.values())
        median = ordered[len(ordered) // 2]
        worst = min(group, key=lambda i: (fits[i], i))
        if fits[worst] >= max(MIN_FIT, RELATIVE_FIT * median):
            break
        group.remove(worst)
        dropped.append(worst)
    return group, dropped


def group_profiles(profiles: Sequence[Profile], graph: nx.Graph | None = None,
                   similarity: Similarity | None = None) -> list[list[int]]:
    """Groups of 3–8 indexes into ``profiles``; registrations without a clear group are left out."""
    similarity = similarity or Similarity(profiles)
    if graph is None:
        graph = similarity_graph(profiles, similarity)
    groups: list[list[int]] = []
    loose: list[int] = []
    for community in _communities(graph):
        for part in _split(graph, community):
            kept, dropped = _prune(similarity, part)
            loose.extend(dropped)
            if len(kept) >= MIN_SIZE:
                groups.append(kept)
            else:
                loose.extend(kept)

    # A left-over registration joins the group it fits best, if it fits as well as the members
    # do and the group has room; covering an action the group lacks tips the balance.
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    for i in sorted(loose):
        near = sorted({group_of[j] for j in graph[i] if j in group_of})
        options = []
        for g in near:
            if len(groups[g]) >= MAX_SIZE:
                continue
            fit = _fit(similarity, i, [*groups[g], i])
            fits = sorted(_fit(similarity, m, groups[g]) for m in groups[g])
            if fit < max(MIN_FIT, RELATIVE_FIT * fits[len(fits) // 2]):
                continue
            covered = set().union(*(profiles[m].rollen for m in groups[g]))
            bonus = 0.05 if profiles[i].rollen - covered else 0.0
            options.append((fit + bonus, -g, g))
        if options:
            g = max(options)[2]
            groups[g].append(i)
            group_of[i] = g
    return sorted((sorted(g) for g in groups), key=lambda g: g[0])


# --- explanation -----------------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    """One thing the members of a suggestion share, and exactly which members it is true of."""

    kind: str  # thema, vaardigheid, sector, paritair_comite, keten, uitdaging
    value: str  # code, name, committee number or word stem
    label: str  # as shown
    members: tuple[int, ...]  # registration pks


@dataclass
class Suggestion:
    key: str
    members: list[int]  # registration pks, in a fixed order
    names: dict[int, str]
    cohesion: float
    basis: str
    facts: list[Fact]
    covered_actions: list[str]
    missing_actions: list[str]
    regisseur: int | None  # pk of the member proposed for the regierol
    action_members: dict[str, list[int]] = field(default_factory=dict)
    registraties: list = field(default_factory=list)  # filled by suggest_partnerships
    dropped: list = field(default_factory=list)  # registrations staff left out of it

    @property
    def size(self) -> int:
        return len(self.members)

    def facts_of(self, kind: str) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind]

    @property
    def themas(self) -> list[str]:
        return [f.value for f in self.facts_of("thema")]

    @property
    def naam(self) -> str:
        """What the group shares, as a name members can read ("Transport en logistiek"): it
        becomes the partnership's name, in the invitations' subject and on their pages."""
        words = [f.label for f in self.facts_of("sector")][:2] or \
            [f.label for f in self.facts_of("uitdaging")][:2] or \
            [self.names[pk] for pk in self.members[:2]]
        return capfirst(" en ".join(words))

    @property
    def explanation(self) -> list[str]:
        return explain(self)


def suggestion_key(members: Iterable[int]) -> str:
    text = "-".join(str(pk) for pk in sorted(members))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _shared(members: Sequence[Profile], values_of, minimum: int) -> list[tuple[str, tuple]]:
    holders: dict[str, list[int]] = defaultdict(list)
    for p in members:
        for v in values_of(p):
            holders[v].append(p.pk)
    # Most widely shared first; ties in the order the members wrote them.
    shared = [(v, tuple(pks)) for v, pks in holders.items() if len(pks) >= minimum]
    return sorted(shared, key=lambda item: -len(item[1]))


def _word_label(members: Sequence[Profile], s: str, pks: tuple) -> str:
    words = sorted({w for p in members if p.pk in pks for w in p.forms.get(s, ())})
    return "/".join(words)


def describe(members: Sequence[Profile], *, cohesion: float = 0.0,
             centrality: dict[int, float] | None = None) -> Suggestion:
    """The facts, actions and proposed director of a group of registrations."""
    members = sorted(members, key=lambda p: p.pk)
    minimum = max(2, math.ceil(len(members) / 2))
    theme_label = dict(Thema.choices)
    skill_label = dict(Vaardigheid.choices)
    facts: list[Fact] = []
    for v, pks in _shared(members, lambda p: p.themas, minimum):
        facts.append(Fact("thema", v, str(theme_label[v]), pks))
    for v, pks in _shared(members, lambda p: p.vaardigheden, minimum):
        facts.append(Fact("vaardigheid", v, str(skill_label[v]), pks))
    for v, pks in _shared(members, lambda p: p.sectors, 2)[:4]:
        facts.append(Fact("sector", v, v, pks))
    for v, pks in _shared(members, lambda p: p.pcs, 2)[:4]:
        facts.append(Fact("paritair_comite", v, v, pks))
    for v, pks in _shared(members, lambda p: p.chain, 2)[:6]:
        facts.append(Fact("keten", v, _word_label(members, v, pks), pks))
    for v, pks in _shared(members, lambda p: p.challenge, 2)[:8]:
        facts.append(Fact("uitdaging", v, _word_label(members, v, pks), pks))

    action_members = {code: [p.pk for p in members if code in p.rollen] for code in Actie.values}
    covered = [code for code in Actie.values if action_members[code]]
    missing = [code for code in Actie.values if not action_members[code]]
    directors = action_members[Actie.REGIE]
    centrality = centrality or {}
    regisseur = min(directors, key=lambda pk: (-centrality.get(pk, 0.0), pk)) if directors \
        else None

    has_chain = any(f.kind == "keten" and len(f.members) >= minimum for f in facts)
    has_words = any(f.kind == "uitdaging" and len(f.members) >= minimum for f in facts)
    if has_chain:
        basis = Basis.KETEN
    elif has_words:
        basis = Basis.GELIJKAARDIGE_UITDAGINGEN
    elif any(f.kind == "vaardigheid" for f in facts):
        basis = Basis.GENERIEKE_VAARDIGHEDEN
    else:
        basis = Basis.GELIJKAARDIGE_UITDAGINGEN
    pks = [p.pk for p in members]
    return Suggestion(
        key=suggestion_key(pks), members=pks, names={p.pk: p.naam for p in members},
        cohesion=cohesion, basis=basis, facts=facts, covered_actions=covered,
        missing_actions=missing, regisseur=regisseur, action_members=action_members,
    )


def _count(pks: Sequence[int], total: int) -> str:
    return str(_("%(aantal)d van %(totaal)d")) % {"aantal": len(pks), "totaal": total}


def _fact_list(facts: Sequence[Fact], total: int) -> str:
    return "; ".join(f"{f.label} ({_count(f.members, total)})" for f in facts)


def explain(suggestion: Suggestion) -> list[str]:
    """Dutch sentences, each built from the suggestion's facts only."""
    total = suggestion.size
    lines = []
    sentences = (
        ("thema", _("Gedeelde thema's: %(lijst)s.")),
        ("vaardigheid", _("Gedeelde generieke vaardigheden: %(lijst)s.")),
        ("sector", _("Sector: %(lijst)s.")),
        ("paritair_comite", _("Paritaire comités: %(lijst)s.")),
        ("keten", _("Woorden uit hun ketenbeschrijving: %(lijst)s.")),
        ("uitdaging", _("Woorden die hun competentie-uitdagingen gemeen hebben: %(lijst)s.")),
    )
    for kind, sentence in sentences:
        facts = suggestion.facts_of(kind)
        if facts:
            lines.append(str(sentence) % {"lijst": _fact_list(facts, total)})
    action_label = dict(Actie.choices)
    if not suggestion.missing_actions:
        lines.append(str(_("Samen nemen ze alle vier de acties van de oproep op.")))
    else:
        if suggestion.covered_actions:
            lines.append(str(_("Acties die ze opnemen: %(acties)s.")) % {"acties": ", ".join(
                str(action_label[code]) for code in suggestion.covered_actions)})
        lines.append(str(_("Ontbreekt nog: %(acties)s. Zoek een partner die dat opneemt.")) % {
            "acties": ", ".join(str(action_label[code]) for code in suggestion.missing_actions)})
    if suggestion.regisseur is not None:
        others = len(suggestion.action_members.get(Actie.REGIE, [])) - 1
        line = str(_("Regierol: %(naam)s is bereid die op te nemen.")) % {
            "naam": suggestion.names[suggestion.regisseur]}
        if others > 0:
            line += " " + ngettext("Nog %(aantal)d ander lid is daartoe bereid.",
                                   "Nog %(aantal)d andere leden zijn daartoe bereid.",
                                   others) % {"aantal": others}
        lines.append(line)
    else:
        lines.append(str(_("Niemand in deze groep gaf aan de regierol te willen opnemen.")))
    return lines


def _cohesion(graph: nx.Graph, nodes: Sequence[int]) -> tuple[float, dict[int, float]]:
    """Mean similarity over all pairs of the group, and each member's summed links in it."""
    inside = set(nodes)
    strength = {i: 0.0 for i in nodes}
    total = 0.0
    for i in nodes:
        for j, data in graph[i].items():
            if j in inside:
                strength[i] += data["weight"]
                if i < j:
                    total += data["weight"]
    pairs = len(nodes) * (len(nodes) - 1) / 2
    return (total / pairs if pairs else 0.0), strength


def suggest_for_profiles(profiles: Sequence[Profile]) -> list[Suggestion]:
    """Suggestions over these profiles, the strongest groups first."""
    profiles = sorted(profiles, key=lambda p: p.pk)
    if len(profiles) < MIN_SIZE:
        return []
    similarity = Similarity(profiles)
    graph = similarity_graph(profiles, similarity)
    suggestions = []
    for group in group_profiles(profiles, graph, similarity):
        cohesion, strength = _cohesion(graph, group)
        centrality = {profiles[i].pk: s for i, s in strength.items()}
        suggestions.append(describe([profiles[i] for i in group], cohesion=cohesion,
                                    centrality=centrality))
    suggestions.sort(key=lambda s: (-(s.cohesion + 0.1 * len(s.covered_actions) / 4
                                      + 0.05 * (s.regisseur is not None)), s.members[0]))
    return suggestions


# --- database ----------------------------------------------------------------------------

PROFILE_FIELDS = ("pk", "ronde_id", "naam", "referentie", "status", "themas", "vaardigheden",
                  "rollen", "sectoren", "paritaire_comites", "competentie_uitdagingen", "keten")


def candidates(ronde: Ronde):
    """The round's eligible registrations that are not in an active partnership yet."""
    in_active = Lidmaatschap.objects.in_active_partnership().values("registratie_id")
    return (review.eligible(Registratie.objects.filter(ronde=ronde)).exclude(pk__in=in_active)
            .only(*[f for f in PROFILE_FIELDS if f != "pk"]).order_by("pk"))


def suggest_partnerships(*, ronde: Ronde) -> list[Suggestion]:
    """Explained suggestions for ``ronde``, in one query whatever the number of registrations."""
    registraties = list(candidates(ronde))
    by_pk = {r.pk: r for r in registraties}
    suggestions = suggest_for_profiles([profile_of(r) for r in registraties])
    for suggestion in suggestions:
        suggestion.registraties = [by_pk[pk] for pk in suggestion.members]
    return suggestions


def describe_registraties(registraties: Sequence[Registratie]) -> Suggestion:
    """A suggestion for a hand-picked set of registrations (e.g. after dropping a member)."""
    suggestion = describe([profile_of(r) for r in registraties])
    by_pk = {r.pk: r for r in registraties}
    suggestion.registraties = [by_pk[pk] for pk in suggestion.members]
    return suggestion
