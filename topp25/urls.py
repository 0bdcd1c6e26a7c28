from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from screens.accounts import ThrottledLoginView
from topp25.views import privacy

urlpatterns = [
    path("", include("screens.meeting_urls")),
    path("", include("screens.group_urls")),
    path("", include("summary.urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("integritet/", privacy, name="privacy"),
    path("admin/", admin.site.urls),
]
