from django.contrib import admin
from django.urls import include, path

from meetings import oidc
from screens.accounts import ThrottledLoginView
from topp25 import health, metrics
from topp25.views import privacy

urlpatterns = [
    path("", include("screens.meeting_urls")),
    path("", include("screens.group_urls")),
    path("", include("summary.urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", oidc.logout, name="logout"),
    # Sign-in with the organisation's OpenID Connect provider (404 unless configured).
    path("accounts/oidc/login/", oidc.login_start, name="oidc_authentication_init"),
    path("accounts/oidc/callback/", oidc.login_callback, name="oidc_authentication_callback"),
    path("accounts/oidc/refused/", oidc.refused, name="oidc_refused"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("integritet/", privacy, name="privacy"),
    path("admin/", admin.site.urls),
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
