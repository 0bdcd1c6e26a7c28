from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from topp25 import health, metrics
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
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
