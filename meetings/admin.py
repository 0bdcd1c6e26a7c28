from django.contrib import admin

from .models import Group, Meeting, Participant, Phase, Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["organisers"]


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0
    fields = ["kind", "name", "profession", "position", "agreed_at"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["position", "kind", "title", "planned_minutes", "speaker", "started_at", "ended_at"]
    readonly_fields = ["started_at", "ended_at"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "kind", "position", "planned_minutes", "started_at"]
    list_filter = ["kind"]
    # The run state belongs to the console (start, pause, end): set by hand it could say a
    # phase runs that never started.
    readonly_fields = ["started_at", "ended_at", "paused_at", "paused_seconds"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "venue", "join_code", "joining_open"]
    list_filter = ["joining_open", "series"]
    search_fields = ["title", "join_code", "core_question"]
    # current_phase too: the console sets it when a phase starts and clears it when it ends
    # (Meeting.has_run relies on that), and the admin would offer other meetings' phases.
    readonly_fields = ["join_code", "room_token", "created_at", "current_phase"]
    filter_horizontal = ["facilitators"]
    inlines = [PhaseInline, GroupInline]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "meeting", "kind", "profession", "position", "agreed_at"]
    list_filter = ["kind", "profession"]
    search_fields = ["name", "meeting__title"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "home_group", "expert_group", "left_at", "created_at"]
    list_filter = ["meeting"]
