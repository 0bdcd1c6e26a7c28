from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from topp25.views import ThrottledLoginView, privacy

urlpatterns = [
    path("", include("meetings.urls")),
    path("", include("groups.urls")),
    path("", include("summary.urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("integritet/", privacy, name="privacy"),
    path("admin/", admin.site.urls),
]
