from django.contrib import admin

from .models import Dot, HiddenWord, Idea, IdeaPool, PoolSettings, ReflectionWord, SuccessFactor


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


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["text", "group", "author", "created_at", "withdrawn_at", "merged_into"]
    list_filter = ["group__meeting"]
    search_fields = ["text", "group__name"]
    readonly_fields = ["client_token", "version", "created_at", "updated_at"]


@admin.register(Dot)
class DotAdmin(admin.ModelAdmin):
    list_display = ["idea", "count", "updated_at"]
    list_filter = ["idea__group__meeting"]


@admin.register(PoolSettings)
class PoolSettingsAdmin(admin.ModelAdmin):
    list_display = ["meeting", "dots_per_member", "several_dots_per_idea", "private_until_revealed"]


@admin.register(IdeaPool)
class IdeaPoolAdmin(admin.ModelAdmin):
    list_display = ["group", "revealed_at", "revealed_by_facilitator"]
