from django.contrib.admin.apps import AdminConfig


class PortaalAdminConfig(AdminConfig):
    default_site = "portaal.admin.PortaalAdminSite"
