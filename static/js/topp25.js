// topp25: the little that htmx does not do. No inline handlers (strict CSP).
(function () {
  "use strict";

  // --- Live connection status: say so when updates pause, and retry after a clean close.
  var RETRIED_BY_HTMX = [1006, 1011, 1012, 1013];
  var NO_RETRY = 4400; // application close codes 4400+ mean "not allowed here"

  function statusEl() { return document.getElementById("live-status"); }

  document.addEventListener("htmx:wsOpen", function () {
    var el = statusEl();
    if (el) { el.textContent = ""; }
  });

  document.addEventListener("htmx:wsClose", function (event) {
    var el = statusEl();
    var code = event.detail && event.detail.event ? event.detail.event.code : 0;
    if (el) { el.textContent = el.dataset.reconnecting || "Återansluter …"; }
    if (code >= NO_RETRY) {
      if (el) { el.textContent = el.dataset.paused || "Liveuppdateringar pausade"; }
      return;
    }
    if (RETRIED_BY_HTMX.indexOf(code) === -1 && event.detail && event.detail.socketWrapper) {
      // A server restart may close with 1000/1001, which htmx does not retry by itself.
      var wrapper = event.detail.socketWrapper;
      setTimeout(function () { wrapper.reconnect(); }, 1500 + Math.random() * 2500);
    }
  });

  // --- A request that never reached the server (phone offline) or that the server failed:
  // say so; the typed text stays in the form because nothing was swapped.
  function tell(key) {
    var el = statusEl();
    if (el && el.dataset[key]) { el.textContent = el.dataset[key]; }
  }
  document.addEventListener("htmx:sendError", function () { tell("offline"); });
  document.addEventListener("htmx:responseError", function () { tell("failed"); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var el = statusEl();
    if (el && event.detail.successful && el.textContent === el.dataset.offline) { el.textContent = ""; }
  });

  // --- Phone: keyboard and screen-reader focus survives the list being re-rendered (by our
  // own request or by a broadcast from another phone). List controls have stable ids, so
  // focus follows a moved factor; when the control is gone (a removed factor) focus goes to
  // the list's heading. After sending the factor form, focus returns to its text field for
  // the next factor (or to the heading when the list is now full or locked).
  var focusId = null;
  var refocusForm = false;
  var pending = false; // a request of ours is under way: its answer may re-render again

  function isLost() {
    return !document.activeElement || document.activeElement === document.body;
  }
  function focusedId() {
    var active = document.activeElement;
    return active && active.id && active !== document.body ? active.id : null;
  }
  function focusFirst(ids) {
    for (var i = 0; i < ids.length; i++) {
      var el = document.getElementById(ids[i]);
      if (el && !el.disabled && el.offsetParent !== null) { el.focus(); return; }
    }
  }
  function restoreFocus() {
    // The editor's themes section (summary/themes.html) falls back to its own heading.
    if (focusId && isLost()) { focusFirst([focusId, "factors-heading", "themes-heading"]); }
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = draftForm();
    pending = true;
    if (form && event.detail.elt === form) {
      refocusForm = form.contains(document.activeElement);
    } else {
      focusId = focusedId();
    }
  });
  document.addEventListener("htmx:wsBeforeMessage", function () {
    var id = focusedId();
    if (id || !pending) { focusId = id; }
  });
  document.addEventListener("htmx:wsAfterMessage", restoreFocus);
  document.addEventListener("htmx:afterSettle", function () {
    pending = false;
    if (refocusForm) {
      refocusForm = false;
      focusFirst(["factor-text", "factors-heading"]);
    } else {
      restoreFocus();
    }
  });

  // --- Screen readers: what a request did, said by the permanent #announcer (the server
  // fires this event on it through HX-Trigger). Cleared first so a repeat is said again.
  document.addEventListener("topp25:announce", function (event) {
    var announcer = document.getElementById("announcer");
    if (!announcer || !event.detail || !event.detail.message) { return; }
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = event.detail.message; }, 50);
  });

  // --- Never replace a newer list with an older one. Every fragment of a group's list
  // carries data-revision; an HTTP answer or a broadcast can overtake another.
  function revisionOf(el) { return el ? parseInt(el.getAttribute("data-revision"), 10) : NaN; }
  function parseFragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template;
  }
  function olderThanShown(incoming) {
    if (!incoming || !incoming.id) { return false; }
    var shown = document.getElementById(incoming.id);
    return revisionOf(incoming) < revisionOf(shown);
  }
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    var fragment = parseFragment(event.detail.message).content.firstElementChild;
    if (fragment && fragment.hasAttribute("data-revision") && olderThanShown(fragment)) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.serverResponse || event.detail.target.id !== "group-live") { return; }
    var template = parseFragment(event.detail.serverResponse);
    var incoming = template.content.querySelector("#group-state");
    if (olderThanShown(incoming)) {
      // Keep the newer list on screen; the rest of the answer (message, fresh form) stands.
      incoming.replaceWith(document.getElementById("group-state").cloneNode(true));
      event.detail.serverResponse = template.innerHTML;
    }
  });

  // --- Room screen: a factor that was not there before fades in once.
  var seen = null;
  function factorIds() {
    var ids = new Set();
    document.querySelectorAll(".room-factors li[data-factor-id]").forEach(function (li) {
      ids.add(li.dataset.factorId);
    });
    return ids;
  }
  document.addEventListener("htmx:wsAfterMessage", function () {
    if (!document.querySelector(".room-screen")) { return; }
    var now = factorIds();
    if (seen !== null) {
      document.querySelectorAll(".room-factors li[data-factor-id]").forEach(function (li) {
        if (!seen.has(li.dataset.factorId)) { li.classList.add("is-new"); }
      });
    }
    seen = now;
  });

  // --- Room screen: a column with long factors steps its type down rather than hiding
  // text, since the projector never scrolls. Short lists keep the full size.
  var STEPS = ["", "dense", "denser"];
  function fitColumns() {
    document.querySelectorAll(".room-col").forEach(function (col) {
      STEPS.forEach(function (step) { if (step) { col.classList.remove(step); } });
      for (var i = 1; i < STEPS.length && col.scrollHeight > col.clientHeight + 1; i++) {
        col.classList.add(STEPS[i]);
      }
    });
  }
  document.addEventListener("htmx:wsAfterMessage", fitColumns);
  window.addEventListener("resize", fitColumns);

  // --- Phone: keep what someone is typing if the page reloads or the connection drops.
  function draftForm() { return document.getElementById("factor-form"); }

  function restoreDraft() {
    var form = draftForm();
    if (!form) { return; }
    var key = form.dataset.draftKey;
    var area = form.querySelector("textarea");
    if (!key || !area || area.value) { return; }
    try {
      var saved = window.localStorage.getItem(key);
      if (saved) { area.value = saved; }
    } catch (e) { /* storage may be off in private mode */ }
  }

  document.addEventListener("input", function (event) {
    var form = draftForm();
    if (!form || event.target.form !== form) { return; }
    try { window.localStorage.setItem(form.dataset.draftKey, event.target.value); } catch (e) { /* ignore */ }
  });

  // Forget the draft once the server has taken it: before the answer is swapped in, since
  // the fresh form's htmx:load would otherwise refill it. The swap target is #group-live
  // (always in the page), and requestConfig names the form that sent the text.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && form.id === "factor-form" && status >= 200 && status < 300) {
      try { window.localStorage.removeItem(form.dataset.draftKey); } catch (e) { /* ignore */ }
    }
  });

  document.addEventListener("htmx:load", restoreDraft);
  document.addEventListener("DOMContentLoaded", function () {
    restoreDraft();
    if (document.querySelector(".room-screen")) {
      seen = factorIds();
      fitColumns();
    }
  });
})();
