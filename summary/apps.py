from django.apps import AppConfig


class SummaryConfig(AppConfig):
    name = "summary"
    verbose_name = "Sammanfattning"
