// topp25: the little that htmx does not do. No inline handlers (strict CSP).
(function () {
  "use strict";

  // --- Live connection status: say so when updates pause, and retry after a clean close.
  var RETRIED_BY_HTMX = [1006, 1011, 1012, 1013];
  var NO_RETRY = 4400; // application close codes 4400+ mean "not allowed here"

  function statusEl() { return document.getElementById("live-status"); }

  // --- DEBUG (`make run`): django-htmx's helper shows any 4xx answer as a whole page. Our
  // refusals are fragments for their form: keep them from it (capture runs first).
  window.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr, text = String(xhr.response || "");
    var page = /^\s*<(!doctype|html)/i.test(text);
    if (xhr.status >= 400 && xhr.status < 500 && !page) { event.stopPropagation(); }
  }, true);

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

  // --- The server says when its channel layer is down (live updates paused; the page still
  // has the database's state) and when it is back (it has just resent the whole state).
  document.addEventListener("htmx:wsAfterMessage", function () {
    var state = document.getElementById("live-state");
    var el = statusEl();
    if (!state || !el) { return; }
    if (state.dataset.state === "paused") {
      el.textContent = el.dataset.layerDown || el.dataset.paused || "";
    } else if (el.textContent === el.dataset.layerDown) {
      el.textContent = "";
    }
  });

  // --- A request that never reached the server (phone offline) or that the server failed:
  // say so; the typed text stays in the form because nothing was swapped.
  function tell(key) {
    var el = statusEl();
    if (el && el.dataset[key]) { el.textContent = el.dataset[key]; }
  }
  // (A control's own request says so beside the control: see "Offline outbox" below.)
  document.addEventListener("htmx:sendError", function (event) {
    if (!window.topp25Outbox || !window.topp25Outbox.beside(event.detail.elt, "offline")) { tell("offline"); }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (!window.topp25Outbox || !window.topp25Outbox.beside(event.detail.elt, "failed")) { tell("failed"); }
  });
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
    if (focusId && isLost()) {
      // The reflection form's last word sent: its heading (the thanks is right below it);
      // the editor's themes section (summary/themes.html) falls back to its own heading.
      var fallback = focusId.indexOf("reflection-") === 0 ? "reflection-heading" : "factors-heading";
      focusFirst([focusId, fallback, "themes-heading"]);
    }
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

  // --- Screen readers: what others changed, said politely by the same #announcer, never by
  // moving focus. Before a broadcast is swapped in, what the phone shows is noted; after it, a
  // new phase and the group's new factors or ideas are said. What this person just did is
  // said by its own answer (above), so nothing is said while a request of ours is under way.
  // The sentences come translated in the announcer's data attributes.
  function textsOf(selector) {
    return Array.prototype.map.call(document.querySelectorAll(selector), function (el) {
      return el.textContent.trim();
    });
  }
  function phoneView() {
    var title = document.getElementById("phone-phase-title");
    var panel = document.getElementById("phone-phase");
    return {
      phase: panel && title ? (panel.getAttribute("data-kind") || "") + "|" + title.textContent.trim() : null,
      title: title ? title.textContent.trim() : "",
      factors: textsOf("#factor-list .factor-text"),
      ideas: textsOf("#idea-list .idea-text")
    };
  }
  function added(before, after) {
    return after.filter(function (text) { return before.indexOf(text) === -1; });
  }
  function sayAdded(announcer, texts, one, many) {
    if (!texts.length) { return ""; }
    var template = texts.length === 1 ? announcer.getAttribute(one) : announcer.getAttribute(many);
    return (template || "").replace("__TEXT__", texts[0]).replace("__N__", String(texts.length));
  }
  var viewBeforeMessage = null;
  document.addEventListener("htmx:wsBeforeMessage", function () {
    viewBeforeMessage = document.getElementById("announcer") ? phoneView() : null;
  });
  document.addEventListener("htmx:wsAfterMessage", function () {
    var announcer = document.getElementById("announcer");
    var before = viewBeforeMessage;
    viewBeforeMessage = null;
    if (!announcer || !before || !announcer.hasAttribute("data-new-phase")) { return; }
    var after = phoneView();
    var parts = [];
    if (before.phase !== null && after.phase !== null && after.phase !== before.phase) {
      parts.push((announcer.getAttribute("data-new-phase") || "").replace("__TEXT__", after.title));
    }
    if (!pending) {
      parts.push(sayAdded(announcer, added(before.factors, after.factors), "data-new-factor", "data-new-factors"));
      parts.push(sayAdded(announcer, added(before.ideas, after.ideas), "data-new-idea", "data-new-ideas"));
    }
    var message = parts.filter(Boolean).join(" ");
    if (!message) { return; }
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = message; }, 50);
  });

  // --- Never replace newer with older. Every live fragment (a group's list, a column, the
  // meeting's phase panel, the console's parts) carries data-revision; an HTTP answer or a
  // broadcast can overtake another. An htmx extension sees every answer and every WebSocket
  // message before it is swapped: an older top-level part is dropped, an older part inside a
  // newer one is replaced by what is shown (so a late full snapshot never undoes a column).
  function revisionOf(el) { return el ? parseInt(el.getAttribute("data-revision"), 10) : NaN; }
  function olderThanShown(incoming) {
    if (!incoming || !incoming.id) { return false; }
    var shown = document.getElementById(incoming.id);
    return revisionOf(incoming) < revisionOf(shown);
  }
  function keepNewer(text, dropTopLevel) {
    if (typeof text !== "string" || text.indexOf("data-revision") === -1) { return text; }
    var template = document.createElement("template");
    template.innerHTML = text;
    var changed = false;
    if (dropTopLevel) {
      // A part for something this screen does not show now (a home group's column while the
      // room shows the expert groups): htmx would log an error for the missing target.
      Array.prototype.slice.call(template.content.children).forEach(function (incoming) {
        if (incoming.id && !document.getElementById(incoming.id)) { incoming.remove(); changed = true; }
      });
    }
    template.content.querySelectorAll("[id][data-revision]").forEach(function (incoming) {
      // Skip what went with an older part already replaced above it.
      if (!template.content.contains(incoming)) { return; }
      if (dropTopLevel && incoming.parentNode === template.content && !document.getElementById(incoming.id)) {
        // A part this screen does not show now (a group's column while the room shows only
        // the timer): nothing to replace, and the next full snapshot brings it when shown.
        incoming.remove();
        changed = true;
        return;
      }
      if (!olderThanShown(incoming)) { return; }
      changed = true;
      if (dropTopLevel && incoming.parentNode === template.content) {
        incoming.remove(); // a WebSocket part is swapped by its id: leave the newer one be
      } else {
        incoming.replaceWith(document.getElementById(incoming.id).cloneNode(true));
      }
    });
    return changed ? template.innerHTML : text;
  }
  htmx.defineExtension("revisions", {
    // xhr is null for a WebSocket message, whose parts are all swapped by id.
    transformResponse: function (text, xhr) {
      if (!xhr && livePaused()) { text = holdBack(text); }
      return keepNewer(text, !xhr);
    }
  });

  // --- Phone: the idea pool and this member's part sit below the list's form, outside
  // #group-live. A broadcast swaps them by id; an answer swapped into #group-live brings them
  // along, and they move to their place here, before anything is painted.
  // The answer's message (#flash) goes next to what was tapped: under the list, or above the
  // pool when a pool control was.
  var tappedPool = false;
  document.addEventListener("click", function (event) {
    tappedPool = !!(event.target.closest && event.target.closest("#pool-state, #my-pool, #idea-form"));
  }, true);
  document.addEventListener("htmx:afterSwap", function (event) {
    var live = document.getElementById("group-live");
    if (!live || event.target !== live) { return; }
    ["my-pool", "pool-state"].forEach(function (id) {
      var fresh = live.querySelector(":scope > #" + id);
      if (!fresh) { return; }
      var shown = Array.prototype.filter.call(document.querySelectorAll("#" + id), function (el) { return el !== fresh; })[0];
      if (shown) { shown.replaceWith(fresh); } else { fresh.remove(); }
    });
    var flash = live.querySelector(":scope > #flash");
    if (flash) {
      Array.prototype.forEach.call(document.querySelectorAll("#flash"), function (el) { if (el !== flash) { el.remove(); } });
    }
    var pool = document.getElementById("my-pool");
    if (flash && tappedPool && pool && flash.textContent.trim()) { pool.parentNode.insertBefore(flash, pool); }
  });

  // --- Phone: "Pausa uppdateringar" (WCAG 2.2.2). While pressed, the group's list and idea
  // pool from broadcasts are held back here instead of swapped in: only the newest of each
  // part is kept, and a polite status counts the changes waiting. Resuming swaps in the held
  // parts that are still newer than what is shown (an answer to this person's own request
  // brings the parts it changed, current, and makes older held ones of those parts moot; a
  // change is still waiting while any part it brought is). The phase panel is not
  // held: what the meeting does now must reach everyone. The choice is kept in this browser.
  var PAUSE_KEY = "topp25:live-paused";
  var HELD_IDS = ["group-state", "pool-state"];
  var held = {}; // id -> the newest held element
  var waiting = {}; // revision -> {part id: 1} still held, for the count of changes
  function pauseButton() { return document.getElementById("live-pause"); }
  function livePaused() {
    var button = pauseButton();
    return !!button && button.getAttribute("aria-pressed") === "true";
  }
  function shownRevision(id) { return revisionOf(document.getElementById(id)); }
  function holdBack(text) {
    if (typeof text !== "string") { return text; }
    var template = document.createElement("template");
    template.innerHTML = text;
    var changed = false;
    Array.prototype.slice.call(template.content.children).forEach(function (incoming) {
      if (HELD_IDS.indexOf(incoming.id) === -1) { return; }
      // The pool for a new phase comes with the phase, which is never held (and is as new as
      // any pool held before it).
      var shown = document.getElementById(incoming.id);
      if (shown && incoming.dataset.phaseKind !== shown.dataset.phaseKind) { delete held[incoming.id]; return; }
      incoming.remove();
      changed = true;
      var revision = revisionOf(incoming);
      if (!(revision > shownRevision(incoming.id))) { return; } // nothing new (e.g. a resync)
      if (!held[incoming.id] || revision >= revisionOf(held[incoming.id])) { held[incoming.id] = incoming; }
      (waiting[revision] = waiting[revision] || {})[incoming.id] = 1;
    });
    if (changed) { setTimeout(sayWaiting, 0); }
    return changed ? template.innerHTML : text;
  }
  function prune() {
    // Drop what an answer to this person's own request has already brought.
    Object.keys(held).forEach(function (id) {
      if (!(revisionOf(held[id]) > shownRevision(id))) { delete held[id]; }
    });
    Object.keys(waiting).forEach(function (revision) {
      Object.keys(waiting[revision]).forEach(function (id) {
        if (!(parseInt(revision, 10) > shownRevision(id))) { delete waiting[revision][id]; }
      });
      if (!Object.keys(waiting[revision]).length) { delete waiting[revision]; }
    });
  }
  function pauseSay(text) {
    var status = document.getElementById("live-pause-status");
    if (status && status.textContent !== text) { status.textContent = text; }
  }
  function sayWaiting() {
    var status = document.getElementById("live-pause-status");
    if (!status || !livePaused()) { return; }
    prune();
    var count = Object.keys(waiting).length;
    if (!count) { pauseSay(status.dataset.paused || ""); return; }
    pauseSay(count === 1 ? status.dataset.one : (status.dataset.many || "").replace("__N__", String(count)));
  }
  function setPaused(paused) {
    var button = pauseButton();
    if (!button) { return; }
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    try {
      if (paused) { window.localStorage.setItem(PAUSE_KEY, "1"); } else { window.localStorage.removeItem(PAUSE_KEY); }
    } catch (e) { /* storage may be off in private mode: the choice lasts for this page */ }
  }
  function resumeLive() {
    setPaused(false);
    prune();
    HELD_IDS.forEach(function (id) {
      var shown = document.getElementById(id);
      if (held[id] && shown) { htmx.swap(shown, held[id].outerHTML, { swapStyle: "outerHTML" }); }
    });
    held = {};
    waiting = {};
    var status = document.getElementById("live-pause-status");
    if (status) { pauseSay(status.dataset.resumed || ""); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("#live-pause") : null;
    if (!button) { return; }
    if (livePaused()) { resumeLive(); } else { setPaused(true); sayWaiting(); }
  });
  document.addEventListener("htmx:afterSettle", function () { if (livePaused()) { sayWaiting(); } });
  (function restorePause() {
    // This script is deferred: the page is parsed, and htmx has not connected the socket yet.
    var stored = null;
    try { stored = window.localStorage.getItem(PAUSE_KEY); } catch (e) { stored = null; }
    if (stored === "1" && pauseButton()) { setPaused(true); sayWaiting(); }
  })();

  // --- Reconnect soon after a dropped socket (a restarted worker, a Redis outage): at most
  // ~5 s with jitter, not htmx's default of up to 64 s; the server resends the whole state.
  htmx.config.wsReconnectDelay = function (retryCount) {
    var base = Math.min(4000, 500 * Math.pow(2, Math.max(0, retryCount - 1)));
    return base + Math.random() * 1000;
  };

  // --- The phase timer: counts down from what the server said (data-remaining seconds when
  // it rendered at data-server-now), measured on this device's own steady clock from the
  // moment the fragment arrived, so a phone whose clock is off still shows the right time.
  // Screen readers hear it only at 5 minutes, 1 minute and the end, never every second.
  var ANNOUNCE_AT = [300, 60, 0];
  var timerState = new WeakMap();
  var announced = {};
  function formatClock(seconds) {
    var left = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }
  function timerAnnouncement(left, el) {
    var lang = document.documentElement.lang || "sv";
    var english = lang.indexOf("en") === 0;
    if (left <= 0) { return el.dataset.over || (english ? "Time is up" : "Tiden är ute"); }
    var minutes = Math.round(left / 60);
    if (english) { return minutes === 1 ? "1 minute left" : minutes + " minutes left"; }
    return minutes === 1 ? "1 minut kvar" : minutes + " minuter kvar";
  }
  function tickTimers() {
    var now = performance.now();
    document.querySelectorAll("[data-timer]").forEach(function (el) {
      var state = timerState.get(el);
      if (!state) {
        state = { remaining: parseFloat(el.dataset.remaining), at: now };
        timerState.set(el, state);
      }
      var left = el.hasAttribute("data-paused") ? state.remaining : state.remaining - (now - state.at) / 1000;
      var clock = el.querySelector(".timer-clock");
      var text = formatClock(left);
      if (clock && clock.textContent !== text) { clock.textContent = text; }
      el.classList.toggle("is-over", left <= 0);
      if (el.hasAttribute("data-paused")) { return; }
      // Say a threshold once per phase run, when the countdown crosses it while shown.
      var key = el.dataset.phase || "";
      ANNOUNCE_AT.forEach(function (mark) {
        var id = key + "@" + mark;
        if (left <= mark && state.remaining > mark && !announced[id]) {
          announced[id] = true;
          var announcer = document.getElementById("timer-announcer");
          if (announcer) { announcer.textContent = timerAnnouncement(left, el); }
        }
      });
    });
  }
  setInterval(tickTimers, 250);
  document.addEventListener("htmx:load", tickTimers);

  // --- Phone: keep what someone is typing if the page reloads or the connection drops
  // (the factor form and the idea pool's form: every form with data-draft-key).
  function draftForm() { return document.getElementById("factor-form"); }

  function restoreDraft() {
    document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      var key = form.dataset.draftKey;
      var area = form.querySelector("textarea");
      if (!key || !area || area.value) { return; }
      try {
        var saved = window.localStorage.getItem(key);
        if (saved) { area.value = saved; }
      } catch (e) { /* storage may be off in private mode */ }
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!form || !form.dataset || !form.dataset.draftKey) { return; }
    try { window.localStorage.setItem(form.dataset.draftKey, event.target.value); } catch (e) { /* ignore */ }
  });

  // Forget the draft once the server has taken it: before the answer is swapped in, since
  // the fresh form's htmx:load would otherwise refill it. The swap target is #group-live
  // (always in the page), and requestConfig names the form that sent the text. Someone who
  // starts the next item while the answer is on its way (the broadcast often shows the sent
  // one first) keeps it: the draft is forgotten only if it is still the text that was sent,
  // and the fresh form is refilled from it otherwise.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    var area = form && form.dataset && form.dataset.draftKey && form.querySelector("textarea");
    if (area) { form.dataset.sentText = area.value; }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && form.dataset && form.dataset.draftKey && status >= 200 && status < 300) {
      var area = form.querySelector("textarea");
      if (area && form.dataset.sentText !== undefined && area.value !== form.dataset.sentText) { return; }
      try { window.localStorage.removeItem(form.dataset.draftKey); } catch (e) { /* ignore */ }
    }
  });

  document.addEventListener("htmx:load", restoreDraft);

  // --- Phone: the idea pool. The shared list (#pool-state, from broadcasts) never says whose
  // ideas or dots are whose; this member's own come in #my-pool's data attributes with every
  // answer to their own requests. Mark them in the list: own ideas get their edit and
  // withdraw buttons, own dots are shown, and the dots left are counted here.
  function parseDots(text) {
    var dots = {};
    (text || "").split(",").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length === 2) { dots[parts[0]] = parseInt(parts[1], 10) || 0; }
    });
    return dots;
  }
  function myPool() {
    var mine = document.getElementById("my-pool");
    if (!mine) { return null; }
    return {
      ideas: (mine.dataset.myIdeas || "").split(",").filter(Boolean),
      dots: parseDots(mine.dataset.myDots)
    };
  }
  function markPool() {
    var pool = document.getElementById("pool-state");
    var mine = myPool();
    if (!pool || !mine) { return; }
    var limit = parseInt(pool.dataset.dots, 10) || 0;
    var several = pool.dataset.several === "1";
    // Own dots per idea in the list as it is now: an idea merged since this member's last
    // answer carries its dots over as the server does (capped at one unless several are
    // allowed); a withdrawn idea is gone from the list and its dots with it.
    var counts = {};
    var used = 0;
    pool.querySelectorAll("li[data-idea-id]").forEach(function (li) {
      var count = mine.dots[li.dataset.ideaId] || 0;
      (li.dataset.merged || "").split(",").filter(Boolean).forEach(function (id) {
        count += mine.dots[id] || 0;
      });
      if (!several) { count = Math.min(count, 1); }
      counts[li.dataset.ideaId] = count;
      used += count;
    });
    var left = Math.max(0, limit - used);
    pool.querySelectorAll("li[data-idea-id]").forEach(function (li) {
      var id = li.dataset.ideaId;
      var count = counts[id] || 0;
      li.classList.toggle("is-mine", mine.ideas.indexOf(id) !== -1);
      li.dataset.myDots = String(count);
      li.classList.toggle("can-dot", left > 0 && (several || count === 0));
      var marks = li.querySelector(".my-dots");
      if (marks) {
        var label = marks.dataset.label || (li.parentNode && li.parentNode.dataset.label) || "";
        var text = count ? label + new Array(count + 1).join("●") : "";
        if (marks.textContent !== text) { marks.textContent = text; }
      }
    });
    var counter = pool.querySelector(".dots-left-count");
    if (counter) { counter.textContent = String(left); }
  }
  document.addEventListener("htmx:load", markPool);
  document.addEventListener("htmx:afterSettle", markPool);
  document.addEventListener("htmx:wsAfterMessage", markPool);
  document.addEventListener("DOMContentLoaded", markPool);

  // A dot button says how many of this member's dots it showed on the idea, so the server
  // turns a double tap into the same request twice (one dot), not two dots.
  document.addEventListener("htmx:configRequest", function (event) {
    var button = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest(".dot-button") : null;
    if (!button) { return; }
    var li = button.closest("li[data-my-dots]");
    if (li) { event.detail.parameters.seen = li.dataset.myDots; }
  });

  // The group's lists carry their items' URLs once (the list's data-base): a control inside
  // an item names only its action ("move/", "dot/"), and its request goes to data-base + the
  // item's id + that action. Plain forms (no script) carry the whole URL in their action.
  document.addEventListener("htmx:configRequest", function (event) {
    var path = event.detail.path;
    var elt = event.detail.elt;
    if (!path || /^(\/|[a-z]+:)/i.test(path) || !elt || !elt.closest) { return; }
    var item = elt.closest("li[data-factor-id], li[data-idea-id]");
    var list = item ? item.closest("[data-base]") : null;
    if (!list) { return; }
    var id = item.dataset.factorId || item.dataset.ideaId;
    event.detail.path = list.dataset.base + id + "/" + path;
  });

  // --- Phone: ✎ fills the factor form from the list on the page, with no request (without
  // script it is a link to the form filled in by the server); "Avbryt" puts the empty form back.
  var addForm = null;
  function editFactor(link) {
    var form = document.getElementById("factor-form"), item = link.closest("li[data-factor-id]");
    var list = item && item.closest("[data-base]"), q = function (el, s) { return el.querySelector(s); };
    var version = item && q(item, "[name=version]"), text = item && q(item, ".factor-text");
    if (!form || !list || !version || !text || !form.dataset.editLabel) { return false; }
    if (!form.classList.contains("editing")) { addForm = form.outerHTML; }
    var edit = form.cloneNode(true), id = item.dataset.factorId, action = list.dataset.base + id + "/edit/";
    var position = q(item, "[name=position]"), label = q(edit, "label[for=factor-text]");
    var area = q(edit, "#factor-text"), actions = q(edit, ".form-actions"), cancel = document.createElement("a");
    edit.setAttribute("action", action);
    edit.setAttribute("data-hx-post", action);
    edit.removeAttribute("data-hx-swap-oob");
    edit.classList.add("editing");
    edit.dataset.draftKey = form.dataset.draftKey.split(":").slice(0, 3).join(":") + ":" + id;
    edit.querySelectorAll("[name=version], #factor-error, .form-actions a").forEach(function (el) { el.remove(); });
    label.insertAdjacentHTML("beforebegin", '<input type="hidden" name="version">');
    q(edit, "[name=version]").setAttribute("value", version.value);
    label.textContent = form.dataset.editLabel.replace("__N__", position ? position.value : "");
    area.textContent = text.textContent;
    area.removeAttribute("aria-invalid");
    area.setAttribute("aria-describedby", "factor-help");
    q(edit, "#factor-submit").textContent = form.dataset.saveLabel;
    cancel.className = "button-secondary";
    cancel.id = "factor-cancel";
    cancel.href = window.location.pathname;
    cancel.textContent = form.dataset.cancelLabel;
    actions.appendChild(cancel);
    htmx.swap(form, edit.outerHTML, { swapStyle: "outerHTML" });
    area = document.getElementById("factor-text");
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    return true;
  }
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.matches && elt.matches("#factor-list a[id$='-edit']") && editFactor(elt)) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var form = document.getElementById("factor-form");
    if (!form || !addForm || !event.target.closest || !event.target.closest("#factor-cancel")) { return; }
    event.preventDefault();
    try { window.localStorage.removeItem(form.dataset.draftKey); } catch (e) { /* ignore */ }
    htmx.swap(form, addForm, { swapStyle: "outerHTML" });
    addForm = null;
  });
  document.addEventListener("DOMContentLoaded", restoreDraft);
})();

// --- Offline outbox (phones): an item tapped while the phone has no network -- a factor, an
// idea, reflection words: every form that carries a client_token -- is kept in this browser
// (localStorage, so a reload keeps it too) and sent once the network is back. The server
// takes a form's client_token at most once (a resent form returns what its first sending
// made), so sending again after an answer that was lost on the way is safe: exactly one row.
// Beside the form's button: "Inte skickat än — skickas när nätet är tillbaka." until it is.
// Self-contained: the rest of this file only asks topp25Outbox.beside() where to say things.
(function () {
  "use strict";

  var KEY = "topp25:outbox";
  var MAX_AGE_MS = 12 * 3600 * 1000; // an afternoon: older items are not sent any more
  var RETRY_MS = 5000;
  var flushing = null; // the entry whose form is being sent now
  var inflight = {}; // form id -> client_token of the request under way

  function texts() {
    var el = document.getElementById("tap-texts");
    return el ? el.dataset : {};
  }
  function read() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      var now = Date.now();
      return Array.isArray(list) ? list.filter(function (e) { return e && now - e.at < MAX_AGE_MS; }) : [];
    } catch (e) { return []; }
  }
  function write(list) {
    try {
      if (list.length) { window.localStorage.setItem(KEY, JSON.stringify(list)); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage off (private mode): the item stays in the form as before */ }
  }
  function tokenOf(form) {
    var input = form && form.querySelector ? form.querySelector("input[name=client_token]") : null;
    return input ? input.value : "";
  }
  function queueable(elt) {
    var form = elt && elt.closest ? elt.closest("form") : null;
    return form && form.id && tokenOf(form) ? form : null;
  }
  function fields(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") { pairs.push([name, value]); }
    });
    return pairs;
  }
  function fill(form, entry) {
    var seen = {};
    entry.fields.forEach(function (pair) {
      var inputs = form.querySelectorAll("[name='" + pair[0] + "']");
      var index = seen[pair[0]] || 0;
      seen[pair[0]] = index + 1;
      if (inputs[index]) { inputs[index].value = pair[1]; }
    });
  }
  function remove(token) {
    write(read().filter(function (e) { return e.token !== token; }));
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || document.body.getAttribute("data-hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  // Where a control's feedback goes: right after its form's actions, under the list item
  // whose control it is (a move or dot button: the item's row of buttons stays whole), or
  // after the control.
  function statusFor(elt, create) {
    if (!elt || !elt.closest) { return null; }
    var item = elt.closest("li");
    var anchor = elt.tagName === "FORM" && !item ? elt : elt.closest(".form-actions") || item || elt.closest("form") || elt;
    var form = anchor.tagName === "FORM" ? anchor : null;
    var holder = form || (anchor.tagName === "LI" ? anchor : anchor.parentNode);
    if (!holder) { return null; }
    var status = holder.querySelector(":scope > .tap-status");
    if (!status && create) {
      status = document.createElement("p");
      status.className = "tap-status";
      status.setAttribute("role", "status");
      if (form) {
        var button = form.querySelector("button[type=submit], button:not([type])");
        var after = form.querySelector(".form-actions") || button;
        if (after && after.parentNode === form) { after.after(status); } else { form.append(status); }
      } else if (anchor.tagName === "LI") {
        anchor.append(status);
      } else {
        anchor.after(status);
      }
    }
    return status;
  }
  function say(elt, key) {
    var text = texts()[key] || "";
    var status = statusFor(elt, !!text);
    if (!status) { return false; }
    status.textContent = text;
    status.dataset.kind = key;
    return true;
  }

  // A request that never reached the server: a form with a client_token goes to the outbox
  // ("not sent yet"); any other control says beside itself that it was not sent.
  function beside(elt, kind) {
    var form = kind === "offline" ? queueable(elt) : null;
    if (form) {
      var token = tokenOf(form);
      var list = read().filter(function (e) { return e.token !== token; });
      list.push({ id: form.id, path: form.getAttribute("action") || "", token: token,
        fields: fields(form), draft: form.dataset.draftKey || "", page: location.pathname, at: Date.now() });
      write(list);
      if (flushing && flushing.token === token) { flushing = null; }
      return say(form, "queued");
    }
    return say(elt, kind);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = queueable(event.detail.elt);
    if (form) { inflight[form.id] = tokenOf(form); }
  });
  // The server answered (saved, or refused with its reason beside the form): out of the
  // outbox. On beforeSwap, while the form is still in the page (an answer that replaces it
  // leaves later events on a detached form, where they reach no listener here).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    var form = config ? queueable(config.elt) : null;
    var xhr = event.detail.xhr;
    if (!form || !inflight[form.id] || !xhr || !xhr.status) { return; }
    var id = form.id, token = inflight[id];
    delete inflight[id];
    var was = flushing && flushing.token === token;
    remove(token);
    if (was) {
      flushing = null;
      if (xhr.status < 300) {
        setTimeout(function () { var now = document.getElementById(id); if (now) { say(now, "sent"); } }, 50);
      }
      setTimeout(flush, 100);
    }
  });

  function flush() {
    if (flushing || navigator.onLine === false) { return; }
    var list = read();
    if (!list.length) { return; }
    var entry = list[0];
    var form = document.getElementById(entry.id);
    if (form && (form.getAttribute("action") || "") === entry.path && window.htmx) {
      flushing = entry;
      fill(form, entry);
      say(form, "sending");
      if (form.requestSubmit) { form.requestSubmit(); } else { htmx.trigger(form, "submit"); }
      return;
    }
    // The form is not on this page (another phase, another page): send it as it was.
    flushing = entry;
    fetch(entry.path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(entry.fields).toString()
    }).then(function () {
      remove(entry.token);
      if (entry.draft) { try { window.localStorage.removeItem(entry.draft); } catch (e) { /* ignore */ } }
      flushing = null;
      setTimeout(flush, 0);
    }, function () { flushing = null; });
  }

  // After a reload: the kept items are back in their forms, with the token they were sent
  // with (a tap now sends the same item, not a second one), and say they wait.
  function restore() {
    read().forEach(function (entry) {
      var form = document.getElementById(entry.id);
      if (!form || (form.getAttribute("action") || "") !== entry.path || tokenOf(form) === entry.token) { return; }
      fill(form, entry);
      say(form, "queued");
    });
  }

  window.topp25Outbox = { beside: beside };
  window.addEventListener("online", function () { setTimeout(flush, 300); });
  document.addEventListener("htmx:wsOpen", function () { setTimeout(flush, 300); });
  document.addEventListener("htmx:load", restore);
  document.addEventListener("DOMContentLoaded", function () { restore(); flush(); });
  setInterval(function () { if (!flushing && read().length) { flush(); } }, RETRY_MS);
})();

