"""/beheer/medewerkers/: staff accounts and their second factor; a coordinator resets one.

A new staff page that is about accounts (not about one app's data) goes here too.
"""
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .staff_devices import (
    RESET_PERMISSION,
    ResetRefused,
    may_reset,
    staff_two_factor_reset,
    staff_with_devices,
)


@never_cache
def medewerkers_view(request):
    if not request.user.has_perm(RESET_PERMISSION):
        raise PermissionDenied
    staff = list(staff_with_devices())
    for member in staff:
        member.may_reset = may_reset(request.user, member)
    return TemplateResponse(request, "admin/medewerkers/medewerkers.html", {
        **admin.site.each_context(request),
        "title": _("Medewerkers en tweestapsverificatie"),
        "staff": staff,
    })


@never_cache
def tweestaps_reset_view(request, user_id: int):
    """GET asks for confirmation; POST resets."""
    if not request.user.has_perm(RESET_PERMISSION):
        raise PermissionDenied
    target = get_object_or_404(get_user_model(), pk=user_id, is_staff=True)
    if request.method == "POST":
        try:
            staff_two_factor_reset(target=target, by=request.user)
        except ResetRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _(
                "De tweestapsverificatie van %(name)s is gereset. Bij de volgende aanmelding "
                "stelt %(name)s ze opnieuw in met de app.") % {"name": target.get_username()})
        return redirect("admin:medewerkers")
    if not may_reset(request.user, target):
        raise PermissionDenied
    return TemplateResponse(request, "admin/medewerkers/medewerker_reset.html", {
        **admin.site.each_context(request),
        "title": _("Tweestapsverificatie resetten"),
        "target": target,
    })


admin.site.register_view("medewerkers/", medewerkers_view, name="medewerkers")
admin.site.register_view("medewerkers/<int:user_id>/tweestaps-resetten/", tweestaps_reset_view,
                         name="tweestaps_reset")
