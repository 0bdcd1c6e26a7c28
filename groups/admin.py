from django.contrib import admin

from .models import SuccessFactor


@admin.register(SuccessFactor)
class SuccessFactorAdmin(admin.ModelAdmin):
    list_display = ["text", "group", "position", "author", "updated_at"]
    list_filter = ["group__meeting"]
    search_fields = ["text", "group__name"]
    readonly_fields = ["client_token", "version", "created_at", "updated_at"]
