"""Staff members' second factors: who has one, and a coordinator's reset of a colleague's."""
import logging

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

RESET_PERMISSION = "otp_totp.delete_totpdevice"
LOG_RESET = "Tweestapsverificatie gereset: de medewerker stelt ze bij de volgende aanmelding opnieuw in."


class ResetRefused(Exception):
    """The reset is not allowed; the message says why, in Dutch."""


def staff_with_devices():
    """Active staff accounts, each annotated with ``has_device`` (a confirmed app)."""
    return (get_user_model().objects.filter(is_staff=True, is_active=True)
            .annotate(has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"),
                                                                  confirmed=True)))
            .prefetch_related("groups").order_by("username"))


def may_reset(actor, target) -> bool:
    # A superuser's factor is reset only by another superuser: a coordinator must not be
    # able to take over the plumbing account.
    return (actor.has_perm(RESET_PERMISSION) and target.is_staff
            and (actor.is_superuser or not target.is_superuser))


def staff_two_factor_reset(*, target, by) -> int:
    """Remove every OTP device (app and backup codes) of ``target``; returns how many.

    Sessions that were verified with those devices lose their verification at once.
    """
    if not may_reset(by, target):
        raise ResetRefused("U mag de tweestapsverificatie van deze medewerker niet resetten. "
                           "Vraag het een beheerder.")
    with transaction.atomic():
        devices = list(devices_for_user(target, confirmed=None))
        for device in devices:
            device.delete()
        LogEntry.objects.log_actions(user_id=by.pk,
                                     queryset=get_user_model().objects.filter(pk=target.pk),
                                     action_flag=CHANGE, change_message=LOG_RESET,
                                     single_object=True)
    logger.info("Tweestapsverificatie van %s gereset door %s (%d toestellen)",
                target.get_username(), by.get_username(), len(devices))
    return len(devices)
