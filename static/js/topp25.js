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
    transformResponse: function (text, xhr) { return keepNewer(text, !xhr); }
  });

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

  // --- Room screen: every factor of every group readable at once, from 15 m. A projector
  // never scrolls, so the gallery gets ONE type size for all factors (--factor-size): the
  // largest at which every column shows all of its text. Each column gets the width its text
  // needs at that size (wordy groups wide, terse ones narrow), in one row or in two or three,
  // whichever allows the larger type. All of it is measured and set in one go, before the next
  // frame is painted: after a live update the new list and its new fit appear together.
  var FIT_STEP = 0.5; // px between the type sizes tried
  var FIT_MIN = 8; // px; if even this does not fit, words may break anywhere
  var FIT_MAX = 0.06; // of the viewport height: a short list does not turn into a poster
  var FIT_GUESS = 0.021; // of the viewport height: where the first search starts
  var QUESTION_MIN = 10; // px

  function px(value) { return parseFloat(value) || 0; }
  function fitsIn(el) {
    return el.scrollHeight <= el.clientHeight && el.scrollWidth <= el.clientWidth;
  }
  // Chromium writes a style attribute changed through CSSOM back lazily, and would bring back
  // an empty one after a plain removeAttribute; read it first so the removal sticks.
  function clearInline(el) {
    el.getAttribute("style");
    el.removeAttribute("style");
  }
  function sum(values) { return values.reduce(function (a, b) { return a + b; }, 0); }

  // The fitted sizes live in a stylesheet of their own, by id, not in style attributes: the
  // CSP forbids style attributes (htmx copies them when it swaps a column), and a column
  // swapped in by a live update keeps its size until the refit. Measuring uses inline styles
  // for a moment (CSSOM, which the CSP allows) and removes them before anything is painted.
  var fitSheet = null;
  var fitCss = { question: "", gallery: "" };
  function writeFit(part, css) {
    fitCss[part] = css;
    if (!fitSheet && "adoptedStyleSheets" in document) {
      try {
        fitSheet = new CSSStyleSheet();
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([fitSheet]);
      } catch (e) { fitSheet = null; }
    }
    if (fitSheet) { fitSheet.replaceSync(fitCss.question + fitCss.gallery); }
    return !!fitSheet;
  }

  // Rows of columns, keeping the reading order: [7] → one row; [4, 3], [3, 4]; [3, 2, 2].
  function arrangements(count) {
    var result = [];
    for (var rows = 1; rows <= Math.min(3, count); rows++) {
      var small = Math.floor(count / rows);
      var big = count % rows;
      var counts = [];
      for (var r = 0; r < rows; r++) { counts.push(small + (r < big ? 1 : 0)); }
      result.push(counts);
      if (big && rows === 2) { result.push(counts.slice().reverse()); }
    }
    return result.map(function (counts) {
      var next = 0;
      return counts.map(function (n) {
        var row = [];
        for (var i = 0; i < n; i++) { row.push(next++); }
        return row;
      });
    });
  }

  // The largest step in [bottom, top] at which ok(step) holds (bottom - 1 if none), searched
  // outward from `guess`: a refit after a small change costs two or three tries.
  function largestStep(ok, guess, bottom, top) {
    var lo = bottom - 1, hi = top + 1, d; // ok(lo) holds, ok(hi) fails
    guess = Math.max(bottom, Math.min(guess, top));
    if (ok(guess)) {
      lo = guess;
      for (d = 1; lo + d <= top; d *= 2) {
        if (ok(lo + d)) { lo += d; } else { hi = lo + d; break; }
      }
    } else {
      hi = guess;
      for (d = 1; hi - d >= bottom; d *= 2) {
        if (ok(hi - d)) { lo = hi - d; break; }
        hi -= d;
      }
    }
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (ok(mid)) { lo = mid; } else { hi = mid; }
    }
    return lo;
  }

  // A column shows all of its text: nothing below its bottom, and no word wider than its line
  // (a word may stick out into the column's padding, which the column itself does not notice).
  function columnFits(col) {
    if (!fitsIn(col)) { return false; }
    var lines = col.querySelectorAll("h2, p, ol, li");
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].scrollWidth > lines[i].clientWidth) { return false; }
    }
    return true;
  }

  // The narrowest width at which each column shows all of its text in its row's height; all
  // columns searched at once, so each step costs one layout. null when they cannot fit.
  function narrowestWidths(cols, rows, rowHeight, rowWidths) {
    var lo = [], hi = [], mid = [], i;
    rows.forEach(function (row, r) {
      row.forEach(function (i) {
        cols[i].style.height = rowHeight + "px";
        cols[i].style.width = rowWidths[r] + "px";
        lo[i] = 0;
        hi[i] = rowWidths[r];
      });
    });
    for (i = 0; i < cols.length; i++) { if (!columnFits(cols[i])) { return null; } }
    var tolerance = Math.max(2, Math.max.apply(null, rowWidths) / 400);
    for (;;) {
      var open = [];
      for (i = 0; i < cols.length; i++) {
        if (hi[i] - lo[i] > tolerance) {
          mid[i] = Math.floor((lo[i] + hi[i]) / 2);
          cols[i].style.width = mid[i] + "px";
          open.push(i);
        }
      }
      if (!open.length) { return hi; }
      open.forEach(function (i) { if (columnFits(cols[i])) { hi[i] = mid[i]; } else { lo[i] = mid[i]; } });
      // Each column needs more than lo: a row whose lo already fill it cannot fit.
      for (var r = 0; r < rows.length; r++) {
        if (sum(rows[r].map(function (i) { return lo[i]; })) >= rowWidths[r]) { return null; }
      }
    }
  }

  function planFor(gallery, cols, rows, size) {
    gallery.el.style.setProperty("--factor-size", size + "px");
    var rowHeight = Math.floor((gallery.height - gallery.gap * (rows.length - 1)) / rows.length);
    var rowWidths = rows.map(function (row) { return gallery.width - gallery.gap * (row.length - 1); });
    var widths = narrowestWidths(cols, rows, rowHeight, rowWidths);
    if (!widths) { return null; }
    for (var r = 0; r < rows.length; r++) {
      if (sum(rows[r].map(function (i) { return widths[i]; })) > rowWidths[r]) { return null; }
    }
    return { size: size, rows: rows, rowHeight: rowHeight, rowWidths: rowWidths, widths: widths };
  }

  function applyPlan(gallery, cols, plan, squeezed) {
    var css = "#room-groups { --factor-size: " + plan.size + "px; }\n" +
      "#room-groups > .room-col { flex: none; }\n";
    if (squeezed) { css += "#room-groups .room-col :is(h2, li) { overflow-wrap: anywhere; }\n"; }
    var sizes = [];
    plan.rows.forEach(function (row, r) {
      // The width a row has to spare is shared equally: it helps the narrowest columns most,
      // where a word would otherwise wrap or be hyphenated.
      var spare = (plan.rowWidths[r] - sum(row.map(function (i) { return plan.widths[i]; }))) / row.length;
      var left = plan.rowWidths[r];
      row.forEach(function (i, k) {
        var width = k === row.length - 1 ? left : Math.floor(plan.widths[i] + spare);
        left -= width;
        sizes[i] = [width, plan.rowHeight];
        css += "#" + cols[i].id + " { width: " + width + "px; height: " + plan.rowHeight + "px; }\n";
      });
    });
    if (writeFit("gallery", css)) {
      clearInline(gallery.el);
      cols.forEach(clearInline);
    } else {
      // No constructable stylesheets (an old browser): keep the inline sizes.
      gallery.el.style.setProperty("--factor-size", plan.size + "px");
      cols.forEach(function (col, i) {
        col.style.flex = "none";
        col.style.width = sizes[i][0] + "px";
        col.style.height = sizes[i][1] + "px";
      });
    }
    gallery.el.setAttribute("data-rows", String(plan.rows.length));
    gallery.el.setAttribute("data-factor-size", String(plan.size));
  }

  var lastFit = null; // {count, key, step}: where the next search starts

  function fitGallery() {
    var el = document.getElementById("room-groups");
    if (!el || !el.clientHeight) { return; }
    var cols = Array.prototype.slice.call(el.querySelectorAll(":scope > .room-col"));
    if (!cols.length) { writeFit("gallery", ""); return; }
    cols.forEach(function (col) { col.style.flex = "none"; });
    // clientWidth/Height are rounded, possibly up; a row 1 px too wide would wrap.
    var box = el.getBoundingClientRect();
    var gallery = {
      el: el,
      width: Math.floor(box.width) - 1,
      height: Math.floor(box.height) - 1,
      gap: px(getComputedStyle(el).columnGap),
    };
    var top = Math.max(0, Math.floor((window.innerHeight * FIT_MAX - FIT_MIN) / FIT_STEP));
    function sizeAt(step) { return FIT_MIN + step * FIT_STEP; }
    function key(rows) { return rows.map(function (row) { return row.length; }).join("+"); }

    var order = arrangements(cols.length);
    var guess = Math.round((window.innerHeight * FIT_GUESS - FIT_MIN) / FIT_STEP);
    if (lastFit && lastFit.count === cols.length) {
      guess = lastFit.step;
      order.sort(function (a, b) { return (key(b) === lastFit.key) - (key(a) === lastFit.key); });
    }
    var best = null; // {step, plan}
    order.forEach(function (rows) {
      var plans = {};
      function ok(step) {
        var plan = planFor(gallery, cols, rows, sizeAt(step));
        if (plan) { plans[step] = plan; }
        return !!plan;
      }
      // Another arrangement only counts if it allows a larger size than the best so far.
      var bottom = best ? best.step + 1 : 0;
      if (bottom > top) { return; }
      var step = largestStep(ok, best ? bottom : guess, bottom, top);
      if (step >= bottom) { best = { step: step, plan: plans[step] }; }
    });
    if (best) {
      applyPlan(gallery, cols, best.plan, false);
      lastFit = { count: cols.length, key: key(best.plan.rows), step: best.step };
      return;
    }
    // Nothing fits even at the smallest size (a flood of long factors on a small screen):
    // equal columns in two rows, and words may break anywhere rather than be cut off.
    var rows = order.filter(function (r) { return r.length === Math.min(2, cols.length); })[0];
    var rowHeight = Math.floor((gallery.height - gallery.gap * (rows.length - 1)) / rows.length);
    applyPlan(gallery, cols, {
      size: FIT_MIN, rows: rows, rowHeight: rowHeight,
      rowWidths: rows.map(function (row) { return gallery.width - gallery.gap * (row.length - 1); }),
      widths: cols.map(function () { return 1; }),
    }, true);
    lastFit = null;
  }

  // A long core question steps its own size down until it fits its box (the gallery's
  // header band); it is never hidden.
  function fitQuestion() {
    var box = document.querySelector(".room-screen .room-question");
    if (!box) { return; }
    writeFit("question", "");
    var size = null;
    if (!fitsIn(box)) {
      var lo = QUESTION_MIN, hi = px(getComputedStyle(box).fontSize);
      while (hi - lo > FIT_STEP) {
        var mid = Math.floor((lo + hi) / 2 / FIT_STEP) * FIT_STEP;
        if (mid <= lo) { break; }
        box.style.setProperty("--question-size", mid + "px");
        if (fitsIn(box)) { lo = mid; } else { hi = mid; }
      }
      size = lo;
    }
    if (size === null || writeFit("question", ".room-question { --question-size: " + size + "px; }\n")) {
      clearInline(box);
    } else {
      box.style.setProperty("--question-size", size + "px");
    }
  }

  function fitRoom() {
    var screen = document.querySelector(".room-screen");
    if (!screen) { return; }
    var started = window.performance.now();
    fitQuestion();
    fitGallery();
    // For whoever checks the projector: what the fit was for and how long it took.
    screen.setAttribute("data-fitted-for", window.innerWidth + "x" + window.innerHeight);
    screen.setAttribute("data-fit-ms", String(Math.round(window.performance.now() - started)));
  }
  var fitFrame = 0;
  function fitRoomBeforePaint() {
    if (!fitFrame) { fitFrame = window.requestAnimationFrame(function () { fitFrame = 0; fitRoom(); }); }
  }
  // Synchronous after a swap: the browser paints the new content already fitted.
  document.addEventListener("htmx:wsAfterMessage", fitRoom);
  document.addEventListener("htmx:afterSettle", function () {
    if (document.querySelector(".room-screen")) { fitRoom(); }
  });
  window.addEventListener("resize", fitRoomBeforePaint);

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
  // (always in the page), and requestConfig names the form that sent the text.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && form.dataset && form.dataset.draftKey && status >= 200 && status < 300) {
      try { window.localStorage.removeItem(form.dataset.draftKey); } catch (e) { /* ignore */ }
    }
  });

  // --- Console: drag a person onto another expert table. Sugar over the keyboard path: it
  // picks the table in the person's own select and submits that form.
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var person = event.target.closest && event.target.closest(".expert-person");
    if (!person) { return; }
    dragged = person;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", person.dataset.person || "");
  });
  document.addEventListener("dragover", function (event) {
    var table = dragged && event.target.closest && event.target.closest("[data-drop-group]");
    if (!table) { return; }
    event.preventDefault();
    table.classList.add("is-drop-target");
  });
  document.addEventListener("dragleave", function (event) {
    var table = event.target.closest && event.target.closest("[data-drop-group]");
    if (table && !table.contains(event.relatedTarget)) { table.classList.remove("is-drop-target"); }
  });
  document.addEventListener("drop", function (event) {
    var table = dragged && event.target.closest && event.target.closest("[data-drop-group]");
    var person = dragged;
    dragged = null;
    if (!table) { return; }
    event.preventDefault();
    table.classList.remove("is-drop-target");
    var form = person.querySelector("form[data-draft-move]");
    var select = form && form.querySelector("select");
    if (!select || select.value === table.dataset.dropGroup) { return; }
    select.value = table.dataset.dropGroup;
    form.requestSubmit();
  });
  document.addEventListener("dragend", function () { dragged = null; });

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

  // The pool's controls depend on the phase (ideas in the buzz, dots and picking in the agree
  // phase). A phase change replaces only the phase panel (rendered once for the whole meeting),
  // so when it names another phase than the pool was rendered for, ask for the group's state
  // and take only the pool from it: the list, a confirmation the group is answering and what
  // is typed stay as they are.
  var poolFetching = false;
  function syncPoolPhase() {
    var phase = document.getElementById("phone-phase");
    var pool = document.getElementById("pool-state");
    var live = document.getElementById("group-live");
    if (!phase || !pool || !live || poolFetching || !live.dataset.stateUrl) { return; }
    if ((phase.dataset.kind || "none") === (pool.dataset.phaseKind || "none")) { return; }
    poolFetching = true;
    // Spread a whole room's phones over a second instead of one burst.
    setTimeout(function () {
      htmx.ajax("GET", live.dataset.stateUrl + "?part=pool", { target: "#pool-state", swap: "outerHTML" })
        .finally(function () { poolFetching = false; });
    }, Math.random() * 1000);
  }
  document.addEventListener("htmx:wsAfterMessage", syncPoolPhase);
  document.addEventListener("DOMContentLoaded", function () {
    restoreDraft();
    if (document.querySelector(".room-screen")) {
      seen = factorIds();
      fitRoom();
    }
  });
})();
