"""A phone over real HTTP (a server on a port): join with the form's CSRF token and session,
then send the factor form, as a browser without JavaScript would."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request

from meetings.models import Group, Meeting


def submit_factor_like_a_phone(port: int, meeting: Meeting, group: Group, text: str) -> int:
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def form_fields(html: str) -> dict[str, str]:
        return dict(
            re.findall(
                r'name="(csrfmiddlewaretoken|join_token|client_token)" value="([^"]+)"', html
            )
        )

    join_page = opener.open(f"{base}/m/{meeting.join_code}/").read().decode()
    fields = form_fields(join_page)
    body = urllib.parse.urlencode({**fields, "home_group": group.pk}).encode()
    request = urllib.request.Request(f"{base}/m/{meeting.join_code}/", data=body)
    request.add_header("Referer", f"{base}/m/{meeting.join_code}/")
    group_page = opener.open(request).read().decode()  # redirected to the group page
    fields = form_fields(group_page)
    body = urllib.parse.urlencode({**fields, "text": text}).encode()
    request = urllib.request.Request(
        f"{base}/m/{meeting.join_code}/group/{group.pk}/factors/", data=body
    )
    request.add_header("Referer", f"{base}/m/{meeting.join_code}/group/")
    return int(opener.open(request).status)
