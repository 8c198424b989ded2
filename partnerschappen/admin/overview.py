"""What partnerships add to the staff overview: partnerships per status, answers to invitations."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portaal.charts import Bar, Chart, render

from ..constants import PartnerschapStatus
from ..selectors import ANSWER_CHOICES, partnership_counts

STATUS_COLOURS = {
    PartnerschapStatus.VOORSTEL: "#4a6fa5",
    PartnerschapStatus.IN_GESPREK: "#8a5a00",
    PartnerschapStatus.GEVORMD: "#2f7d32",
    PartnerschapStatus.AFGEHAAKT: "#b3261e",
}


def partnership_charts(request, ronde) -> list[dict]:
    """Two charts for who may view partnerships; a bar opens the partnership list filtered on it."""
    if not request.user.has_perm("partnerschappen.view_partnerschap"):
        return []
    per_status, per_answer = partnership_counts(ronde=ronde)
    base_url = reverse("admin:partnerschappen_partnerschap_changelist")
    base = {"ronde__id__exact": ronde.pk}
    status = Chart(key="partnerschappen", title=str(_("Partnerschappen per status")))
    for code, label in PartnerschapStatus.choices:
        status.bars.append(Bar(label=str(label), count=per_status[code],
                               params={**base, "status__exact": code},
                               colour=STATUS_COLOURS[code]))
    answers = Chart(key="uitnodigingen",
                    title=str(_("Uitnodigingen voor geplande gesprekken: antwoorden")))
    for code, label in ANSWER_CHOICES:
        answers.bars.append(Bar(label=str(label), count=per_answer[code],
                                params={**base, "antwoord": code}))
    return [render(status, base_url=base_url, count_label=_("Aantal partnerschappen"),
                   empty=_("Nog geen partnerschappen.")),
            render(answers, base_url=base_url, count_label=_("Aantal uitnodigingen"),
                   empty=_("Nog geen uitnodigingen."))]
