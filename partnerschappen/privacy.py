"""What partnerships store about people, declared for erasure and retention
(registraties/personal_data.py): a member's own remark on an invitation or comment on an
agreement (and the name that confirmed it), and staff's texts that may name a contact person."""
from registraties.personal_data import HISTORY_FIELDS, Coverage, by_kind, declare

from .models import (
    Afspraak,
    AfspraakLid,
    AfspraakLink,
    Bevestiging,
    Gesprek,
    Lidmaatschap,
    Partnerschap,
    Uitnodiging,
)


def _partnerships_of(ids):
    return Lidmaatschap.objects.filter(registratie__in=ids).values("partnerschap")


def declare_personal_data() -> None:
    """Called from PartnerschappenConfig.ready()."""
    partnerschap = by_kind(may_name=["status_reden", "notities"],
                            not_personal=["naam", "basis", "basis_andere", "themas", "status"])
    lid = by_kind(may_name=["deelname_reden"], not_personal=["rol", "acties", "deelname"])
    gesprek = by_kind(may_name=["agenda", "verslag"],
                       not_personal=["plaats", "online_link", "status", "agenda_uid"])
    uitnodiging = by_kind(own_words=["opmerking"], not_personal=["antwoord"])
    history = by_kind(not_personal=HISTORY_FIELDS)

    declare(Coverage(Partnerschap, partnerschap, about=lambda ids: Partnerschap.objects.filter(
        pk__in=_partnerships_of(ids))))
    declare(Coverage(Partnerschap.history.model, {**partnerschap, **history},
                     about=lambda ids: Partnerschap.history.filter(id__in=_partnerships_of(ids))))
    declare(Coverage(Lidmaatschap, lid,
                     about=lambda ids: Lidmaatschap.objects.filter(registratie__in=ids)))
    declare(Coverage(Lidmaatschap.history.model, {**lid, **history},
                     about=lambda ids: Lidmaatschap.history.filter(registratie__in=ids)))
    declare(Coverage(Gesprek, gesprek, about=lambda ids: Gesprek.objects.filter(
        partnerschap__in=_partnerships_of(ids))))
    declare(Coverage(Gesprek.history.model, {**gesprek, **history},
                     about=lambda ids: Gesprek.history.filter(
                         partnerschap__in=_partnerships_of(ids))))
    # The answer link's hash: a secret that erasure and retention make unusable, as they kill
    # the edit link.
    declare(Coverage(Uitnodiging, {**uitnodiging, **by_kind(link_hash=["token_hash"])},
                     about=lambda ids: Uitnodiging.objects.filter(registratie__in=ids)))
    declare(Coverage(Uitnodiging.history.model, {**uitnodiging, **history},
                     about=lambda ids: Uitnodiging.history.filter(registratie__in=ids)))
    # The agreement: staff's texts may name a contact person; a member's part is about the
    # organisation except its contribution, written by staff.
    declare(Coverage(Afspraak, by_kind(may_name=["doelgroep", "open_vragen", "volgende_stap",
                                                 "thema_andere"], not_personal=["themas"]),
                     about=lambda ids: Afspraak.objects.filter(
                         partnerschap__in=_partnerships_of(ids))))
    declare(Coverage(AfspraakLid, by_kind(
        may_name=["bijdrage"], not_personal=["acties", "sectoren", "paritaire_comites",
                                             "provincies"]),
        about=lambda ids: AfspraakLid.objects.filter(afspraak__partnerschap__in=_partnerships_of(ids))))
    # A member's comment is its own words; ``door`` is the contact person's name, replaced
    # as a whole like the words it signed.
    bevestiging = by_kind(own_words=["opmerking", "door"])
    declare(Coverage(Bevestiging, bevestiging,
                     about=lambda ids: Bevestiging.objects.filter(registratie__in=ids)))
    declare(Coverage(Bevestiging.history.model, {**bevestiging, **history},
                     about=lambda ids: Bevestiging.history.filter(registratie__in=ids)))
    # An agreement mail's link: a secret like the answer link's, dead once the data is wiped.
    declare(Coverage(AfspraakLink, by_kind(link_hash=["token_hash"]),
                     about=lambda ids: AfspraakLink.objects.filter(registratie__in=ids)))
