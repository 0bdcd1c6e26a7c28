from django.contrib import admin

from .models import Group, Meeting, Participant, Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0
    fields = ["kind", "name", "profession", "position", "agreed_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "venue", "join_code", "joining_open"]
    list_filter = ["joining_open", "series"]
    search_fields = ["title", "join_code", "core_question"]
    readonly_fields = ["join_code", "room_token", "created_at"]
    filter_horizontal = ["facilitators"]
    inlines = [GroupInline]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "meeting", "kind", "profession", "position", "agreed_at"]
    list_filter = ["kind", "profession"]
    search_fields = ["name", "meeting__title"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "home_group", "expert_group", "created_at"]
    list_filter = ["meeting"]
