"""The partnership list offers the member export to exporters only."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("admin:partnerschappen_partnerschap_changelist")


def test_coordinator_sees_the_partnership_export_action(coordinator_client):
    response = coordinator_client.get(URL)
    assert response.status_code == 200
    choices = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "partnerschappen_excel_export" in choices


def test_partnership_export_action_is_hidden_without_export_permission(rf, django_user_model):
    from django.contrib import admin

    from partnerschappen.models import Partnerschap

    user = django_user_model.objects.create_user("kijker", password="x", is_staff=True)
    request = rf.get(URL)
    request.user = user
    actions = admin.site._registry[Partnerschap].get_actions(request)
    assert "partnerschappen_excel_export" not in actions
