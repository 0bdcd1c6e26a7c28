// The room screen (projector) only: loaded by templates/screens/room.html after topp25.js,
// so phones and consoles do not download the gallery's fitting code.
(function () {
  "use strict";

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
  var fitCss = { question: "", gallery: "", themes: "" };
  function writeFit(part, css) {
    fitCss[part] = css;
    if (!fitSheet && "adoptedStyleSheets" in document) {
      try {
        fitSheet = new CSSStyleSheet();
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([fitSheet]);
      } catch (e) { fitSheet = null; }
    }
    if (fitSheet) { fitSheet.replaceSync(fitCss.question + fitCss.gallery + fitCss.themes); }
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
  var fittedGallery = null; // the #room-groups element the fit was made for

  function fitGallery(keep) {
    var el = document.getElementById("room-groups");
    if (!el || !el.clientHeight) { return; }
    var cols = Array.prototype.slice.call(el.querySelectorAll(":scope > .room-col"));
    if (!cols.length) { writeFit("gallery", ""); return; }
    // A list changed live: while every column still shows all of its text at the size and
    // width it has, nothing moves (a refit would shift every column for 100 people to
    // follow; each column reserves room for a full list, see room.html).
    if (keep && el === fittedGallery && lastFit && lastFit.count === cols.length && cols.every(columnFits)) { return; }
    fittedGallery = el;
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

  // The themes phase: one type size for every theme, the largest at which all of them fit
  // whole (never split, nothing cut off), and the cards packed in 2–4 columns: each card, in
  // reading order, goes to the column that is shortest so far (the themes with most groups
  // come first, on the top row). Every try costs one layout: the cards are measured stacked
  // at the column's width, and the columns' heights summed from those heights.
  var THEMES_MAX = 0.045; // of the viewport height: a few short themes do not become a poster
  // Which column each card goes to, so that the tallest column is as short as it can be:
  // first each card in reading order to the shortest column so far, then a bounded search
  // for better. Within a column the cards keep their reading order, and the columns stand
  // left to right by their first card, so the themes with most groups head the columns.
  function packColumns(heights, count, gap) {
    var n = heights.length, assign = [], columns = [], c, i;
    for (c = 0; c < count; c++) { columns.push(0); }
    heights.forEach(function (h, i) {
      var shortest = columns.indexOf(Math.min.apply(null, columns));
      assign[i] = shortest;
      columns[shortest] += h + gap;
    });
    var best = Math.max.apply(null, columns), bestAssign = assign.slice();
    var trial = [], filled = [], budget = 20000;
    for (c = 0; c < count; c++) { filled.push(0); }
    (function place(i, used) {
      if (--budget < 0) { return; }
      if (i === n) {
        var tallest = Math.max.apply(null, filled);
        if (tallest < best) { best = tallest; bestAssign = trial.slice(); }
        return;
      }
      // Empty columns are alike: only the first of them is tried.
      for (var c = 0; c < Math.min(count, used + 1); c++) {
        if (filled[c] + heights[i] + gap >= best) { continue; }
        filled[c] += heights[i] + gap;
        trial[i] = c;
        place(i + 1, Math.max(used, c + 1));
        filled[c] -= heights[i] + gap;
      }
    })(0, 0);
    // Columns left to right by their first card.
    var firsts = [];
    for (c = 0; c < count; c++) { firsts.push(bestAssign.indexOf(c)); }
    var order = firsts.map(function (first, c) { return [first < 0 ? n + c : first, c]; })
      .sort(function (a, b) { return a[0] - b[0]; })
      .map(function (pair) { return pair[1]; });
    return bestAssign.map(function (c) { return order.indexOf(c); });
  }

  function themesPlan(box, list, cards, size, count) {
    var gap = Math.round(size * 0.45);
    var width = Math.floor((box.clientWidth - gap * (count - 1)) / count);
    box.style.setProperty("--themes-size", size + "px");
    list.style.width = width + "px";
    var heights = cards.map(function (card) { return card.offsetHeight; });
    var wide = cards.some(function (card) { return card.scrollWidth > card.clientWidth + 1; });
    if (wide) { return null; }
    var assign = packColumns(heights, count, gap);
    var tops = [], left = [], columns = [];
    for (var c = 0; c < count; c++) { columns.push(0); }
    heights.forEach(function (height, i) {
      tops[i] = columns[assign[i]];
      left[i] = Math.round(assign[i] * (width + gap));
      columns[assign[i]] += height + gap;
    });
    var tallest = Math.max.apply(null, columns) - gap;
    if (tallest > box.clientHeight) { return null; }
    return { size: size, width: width, tops: tops, left: left, height: Math.ceil(tallest) };
  }

  // The floor for reading from the back of the room: 18 px at 720 px high, more on a larger
  // screen. When every factor does not fit at it, each card shows its first lines and says how
  // many more there are (the phones show them all), rather than shrinking below it.
  var THEMES_READ = 0.025;
  function trimCards(box, cards, lines) {
    var text = box.getAttribute("data-more") || "+ __N__";
    cards.forEach(function (card) {
      var words = card.querySelector(".theme-words");
      if (!words) { return; }
      var old = words.querySelector(".theme-more");
      if (old) { words.removeChild(old); }
      var items = Array.prototype.slice.call(words.children);
      var cut = lines !== null && items.length > lines;
      items.forEach(function (li, i) { li.hidden = cut && i >= lines - 1; });
      if (cut) {
        var more = document.createElement("li");
        more.className = "theme-more";
        more.textContent = text.replace("__N__", String(items.length - lines + 1));
        words.appendChild(more);
      }
    });
  }

  function fitThemes() {
    var box = document.getElementById("room-themes");
    if (!box) { writeFit("themes", ""); return; }
    writeFit("themes", "");
    var list = box.querySelector(".theme-cards");
    var cards = list ? Array.prototype.slice.call(list.querySelectorAll(":scope > .theme-card")) : [];
    if (!cards.length) { box.setAttribute("data-themes-size", ""); return; }
    trimCards(box, cards, null);
    // Measuring: the cards one under the other, at the width a column would have.
    list.style.columns = "auto";
    list.style.display = "block";
    var top = Math.max(FIT_MIN, Math.floor(window.innerHeight * THEMES_MAX / FIT_STEP) * FIT_STEP);
    var readable = Math.min(top, Math.max(FIT_MIN, Math.ceil(window.innerHeight * THEMES_READ / FIT_STEP) * FIT_STEP));
    function search(floor) {
      var best = null;
      [2, 3, 4].forEach(function (count) {
        if (count > cards.length && count > 2) { return; }
        var lo = best ? best.size + FIT_STEP : floor, hi = top, found = null;
        if (lo > hi) { return; }
        // The largest size that fits with this many columns (a binary search over the steps).
        var plan = themesPlan(box, list, cards, lo, count);
        if (!plan) { return; }
        found = plan;
        var a = 0, b = Math.round((hi - lo) / FIT_STEP) + 1;
        while (b - a > 1) {
          var mid = (a + b) >> 1;
          plan = themesPlan(box, list, cards, lo + mid * FIT_STEP, count);
          if (plan) { a = mid; found = plan; } else { b = mid; }
        }
        if (!best || found.size > best.size) { best = found; }
      });
      return best;
    }
    var best = search(readable);
    if (!best) {
      var longest = Math.max.apply(null, cards.map(function (card) {
        return card.querySelectorAll(".theme-words > li").length;
      }));
      for (var lines = longest - 1; lines >= 2 && !best; lines--) {
        trimCards(box, cards, lines);
        best = search(readable);
      }
    }
    if (!best) {
      trimCards(box, cards, null);
      best = search(FIT_MIN);
    }
    clearInline(list);
    box.style.removeProperty("--themes-size");
    if (!box.getAttribute("style")) { box.removeAttribute("style"); }
    if (!best) {
      // Nothing fits even at the smallest size: one size, the columns as CSS lays them out.
      writeFit("themes", "#room-themes { --themes-size: " + FIT_MIN + "px; }\n");
      box.setAttribute("data-themes-size", String(FIT_MIN));
      return;
    }
    // Kept in the fit stylesheet, not in style attributes (the CSP; a live swap).
    var css = "#room-themes { --themes-size: " + best.size + "px; }\n" +
      "#room-themes .theme-cards { columns: auto; position: relative; height: " + best.height + "px; }\n" +
      "#room-themes .theme-card { position: absolute; margin: 0; width: " + best.width + "px; }\n";
    cards.forEach(function (card, i) {
      css += "#room-themes .theme-card:nth-child(" + (i + 1) + ") { left: " + best.left[i] +
        "px; top: " + best.tops[i] + "px; }\n";
    });
    if (!writeFit("themes", css)) {
      // No constructable stylesheets (an old browser): the same, inline.
      box.style.setProperty("--themes-size", best.size + "px");
      list.style.position = "relative";
      list.style.columns = "auto";
      list.style.height = best.height + "px";
      cards.forEach(function (card, i) {
        card.style.position = "absolute";
        card.style.margin = "0";
        card.style.width = best.width + "px";
        card.style.left = best.left[i] + "px";
        card.style.top = best.tops[i] + "px";
      });
    }
    box.setAttribute("data-themes-size", String(best.size));
  }

  function fitRoom(keep) {
    var screen = document.querySelector(".room-screen");
    if (!screen) { return; }
    var started = window.performance.now();
    // The lobby's address (a broadcast renders it without the request that knows it).
    screen.querySelectorAll("[data-join-url]:empty").forEach(function (el) { el.textContent = screen.dataset.joinUrl || ""; });
    fitQuestion();
    fitGallery(keep === true);
    fitThemes();
    // For whoever checks the projector: what the fit was for and how long it took.
    screen.setAttribute("data-fitted-for", window.innerWidth + "x" + window.innerHeight);
    screen.setAttribute("data-fit-ms", String(Math.round(window.performance.now() - started)));
  }
  var fitFrame = 0;
  function fitRoomBeforePaint() {
    if (!fitFrame) { fitFrame = window.requestAnimationFrame(function () { fitFrame = 0; fitRoom(); }); }
  }
  // Synchronous after a swap: the browser paints the new content already fitted.
  document.addEventListener("htmx:wsAfterMessage", function () { fitRoom(true); });
  document.addEventListener("htmx:afterSettle", function () {
    if (document.querySelector(".room-screen")) { fitRoom(); }
  });
  window.addEventListener("resize", fitRoomBeforePaint);

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector(".room-screen")) {
      seen = factorIds();
      fitRoom();
    }
  });
})();
