from django.contrib import admin

from .models import CuratedTheme, ThemeFactor


class ThemeFactorInline(admin.TabularInline):
    model = ThemeFactor
    extra = 0


@admin.register(CuratedTheme)
class CuratedThemeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "concept", "dismissed", "merged_into", "updated_at"]
    list_filter = ["dismissed"]
    raw_id_fields = ["meeting", "merged_into"]
    inlines = [ThemeFactorInline]
