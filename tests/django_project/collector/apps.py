from django.apps import AppConfig


class CollectorConfig(AppConfig):
    name = "tests.django_project.collector"
    label = "collector"
    default_auto_field = "django.db.models.BigAutoField"
