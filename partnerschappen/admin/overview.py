"""What partnerships add to the staff overview: partnerships per status, answers to invitations."""
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from registraties.admin.charts import Bar, Chart, bar_chart, list_url

from ..constants import PartnerschapStatus
from ..selectors import ANSWER_CHOICES, partnership_counts

STATUS_COLOURS = {
    PartnerschapStatus.VOORSTEL: "#4a6fa5",
    PartnerschapStatus.IN_GESPREK: "#8a5a00",
    PartnerschapStatus.GEVORMD: "#2f7d32",
    PartnerschapStatus.AFGEHAAKT: "#b3261e",
}


def _table(chart: Chart, *, base_url: str, count_label: str):
    rows = format_html_join(
        "", '<tr><th scope="row">{}</th><td class="portaal-num"><a href="{}">{}</a></td></tr>',
        ((bar.label, list_url(base_url, bar.params), bar.count) for bar in chart.bars))
    return format_html(
        '<table class="portaal-chart-table"><caption>{}</caption><thead><tr>'
        '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        chart.title, _("Waarde"), count_label, rows)


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
    return [
        {"chart": status, "svg": bar_chart(status, base_url=base_url), "escaped_title":
         escape(status.title), "table": _table(status, base_url=base_url,
                                              count_label=str(_("Aantal partnerschappen")))},
        {"chart": answers, "svg": bar_chart(answers, base_url=base_url), "escaped_title":
         escape(answers.title), "table": _table(answers, base_url=base_url,
                                               count_label=str(_("Aantal uitnodigingen")))},
    ]
