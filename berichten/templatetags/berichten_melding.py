"""The banner on every staff page when mails failed or wait too long (admin/base_site.html)."""
from django import template
from django.urls import reverse

from ..admin import AandachtFilter
from ..selectors import FAILED_SHOWN_TO_STAFF, WAITING_TOO_LONG, berichten_attention

register = template.Library()


@register.inclusion_tag("admin/berichten/_melding.html", takes_context=True)
def berichten_melding(context) -> dict:
    """Only for staff who may read the Berichten list (coordinators): one cached count."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff \
            or not user.has_perm("berichten.view_bericht"):
        return {}
    attention = berichten_attention()
    if not attention.total:
        return {}
    return {
        "attention": attention,
        "url": f"{reverse('admin:berichten_bericht_changelist')}?"
               f"{AandachtFilter.parameter_name}={AandachtFilter.JA}",
        "dagen": FAILED_SHOWN_TO_STAFF.days,
        "minuten": int(WAITING_TOO_LONG.total_seconds() // 60),
    }
