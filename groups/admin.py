from django.contrib import admin

from .models import HiddenWord, ReflectionWord, SuccessFactor


@admin.register(SuccessFactor)
class SuccessFactorAdmin(admin.ModelAdmin):
    list_display = ["text", "group", "position", "author", "updated_at"]
    list_filter = ["group__meeting"]
    search_fields = ["text", "group__name"]
    readonly_fields = ["client_token", "version", "created_at", "updated_at"]


@admin.register(ReflectionWord)
class ReflectionWordAdmin(admin.ModelAdmin):
    list_display = ["text", "key", "meeting", "participant", "created_at"]
    list_filter = ["meeting"]
    search_fields = ["text", "key"]
    readonly_fields = ["key", "client_token", "slot", "created_at"]


@admin.register(HiddenWord)
class HiddenWordAdmin(admin.ModelAdmin):
    list_display = ["text", "key", "meeting", "hidden_by_name", "hidden_at"]
    list_filter = ["meeting"]
    readonly_fields = ["hidden_at"]
