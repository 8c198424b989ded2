"""An organisation's name as people write it, held against the names the register knows.

"Bouwfonds Vlaanderen vzw", "BOUWFONDS VLAANDEREN V.Z.W." and "Vlaanderen, Bouwfonds" are
the same name: legal forms, accents, case, punctuation, small words and word order aside.
An abbreviation matches the words it stands for, a shorter form the longer one when it keeps
most of its words. Used by the register's verdict (eligibility.register_verdict): a name
that matches none of the register's names is a finding for staff, never a refusal.
"""
import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache

# Legal forms written out (Dutch, French, German), removed before the words are compared;
# longest first, so that "internationale vereniging zonder winstoogmerk" goes as a whole.
_LEGAL_FORM_PHRASES = sorted((
    "internationale vereniging zonder winstoogmerk", "vereniging zonder winstoogmerk",
    "association internationale sans but lucratif", "association sans but lucratif",
    "vereinigung ohne gewinnerzielungsabsicht", "besloten vennootschap met beperkte "
    "aansprakelijkheid", "besloten vennootschap", "naamloze vennootschap",
    "cooperatieve vennootschap met beperkte aansprakelijkheid", "cooperatieve vennootschap",
    "commanditaire vennootschap", "vennootschap onder firma", "societe anonyme",
    "societe a responsabilite limitee", "societe privee a responsabilite limitee",
    "societe cooperative a responsabilite limitee", "societe cooperative",
    "societe en commandite", "private stichting", "stichting van openbaar nut",
    "fondation privee", "fondation d utilite publique", "europees economisch "
    "samenwerkingsverband", "groupement europeen d interet economique",
), key=len, reverse=True)
# Legal forms as abbreviations (after "v.z.w." became "vzw") and words that say nothing
# about which organisation it is.
_IGNORED_WORDS = frozenset((
    # legal forms
    "vzw", "ivzw", "asbl", "aisbl", "vog", "bv", "bvba", "ebvba", "nv", "sa", "srl", "sprl",
    "sprlu", "cv", "cvba", "cvoa", "scrl", "scri", "sc", "scs", "comm", "commv", "gcv", "vof",
    "snc", "esv", "eesv", "geie", "ewiv", "pvba", "ps", "fup", "vznw",
    # articles, prepositions, conjunctions (Dutch, French, English, German)
    "de", "het", "een", "van", "der", "den", "des", "voor", "en", "in", "op", "te", "t",
    "la", "le", "les", "l", "d", "du", "et", "pour", "a", "au", "aux", "the", "of", "and",
    "for", "die", "das", "und", "fur",
))
_DOTTED_ABBREVIATION = re.compile(r"\b(?:[a-z]\.){1,}[a-z]\b\.?")
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")
# Two names written with a typo or two still match (on their letters without spaces).
SIMILAR_ENOUGH = 0.9
MIN_LENGTH_FOR_SIMILARITY = 8


def _plain(text: str) -> str:
    """Lower case, no accents, no ligatures, dotted abbreviations joined (v.z.w. → vzw)."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _DOTTED_ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), text)


@lru_cache(maxsize=4096)
def name_words(name: str) -> tuple[str, ...]:
    """The words that name the organisation, in order: what is left when legal forms,
    punctuation and small words are taken out."""
    text = " " + _NOT_A_WORD.sub(" ", _plain(name)) + " "
    for phrase in _LEGAL_FORM_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    words = tuple(word for word in text.split() if word not in _IGNORED_WORDS)
    if words:
        return words
    # A name made only of small words ("De Link"): those are its words then.
    return tuple(text.split())


def _initials(words: tuple[str, ...]) -> str:
    return "".join(word[0] for word in words if not word.isdigit())


def _numbers(words: tuple[str, ...]) -> set[str]:
    return {word for word in words if any(ch.isdigit() for ch in word)}


def _match(declared: tuple[str, ...], registered: tuple[str, ...]) -> bool:
    if not declared or not registered:
        return False
    if sorted(declared) == sorted(registered):
        return True
    if _numbers(declared) != _numbers(registered):
        return False  # "Metaal 71" is not "Metaal 17": a number in a name tells them apart
    joined_declared, joined_registered = "".join(declared), "".join(registered)
    if joined_declared == joined_registered:  # "Bouw Unie" and "Bouwunie"
        return True
    # An abbreviation for the words (VFB for Vlaamse Federatie Bouw), either way round.
    for short, long in ((declared, registered), (registered, declared)):
        if len(short) == 1 and len(long) >= 2 and len(short[0]) >= 2 \
                and short[0] == _initials(long):
            return True
    # A shorter form: all its words in the other name, and at least half of the other's.
    smaller, larger = sorted((set(declared), set(registered)), key=len)
    if smaller <= larger and 2 * len(smaller) >= len(larger) \
            and any(len(word) >= 4 for word in smaller):
        return True
    if min(len(joined_declared), len(joined_registered)) >= MIN_LENGTH_FOR_SIMILARITY:
        ordered_declared, ordered_registered = "".join(sorted(declared)), "".join(sorted(registered))
        return SequenceMatcher(None, ordered_declared, ordered_registered).ratio() >= SIMILAR_ENOUGH
    return False


def names_match(declared: str, registered: Iterable[str]) -> bool:
    """Whether the declared name is one of the register's names (Dutch, French, abbreviation,
    trade name, …) as people write them. True when the register knows no name at all: then
    there is nothing to hold the name against."""
    known = [name for name in registered if name and name.strip()]
    if not known:
        return True
    words = name_words(declared)
    return any(_match(words, name_words(name)) for name in known)
