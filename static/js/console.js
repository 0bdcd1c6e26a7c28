// The console only: loaded by templates/console_base.html after topp25.js, so phones do not
// download what only the facilitator uses.
(function () {
  "use strict";

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

  // --- Exportera (templates/summary/export_menu.html): a disclosure that closes like a menu.
  // Escape closes it and puts focus back on its button; a click or focus outside closes it;
  // choosing a download closes it (after the click has started the download) and focus
  // returns to the button, so the next Tab goes on from where the person was.
  function openExportMenus() {
    return Array.prototype.slice.call(document.querySelectorAll("details.export-menu[open]"));
  }
  function closeExportMenu(menu, refocus) {
    menu.open = false;
    var button = menu.querySelector("summary");
    if (refocus && button) { button.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    openExportMenus().forEach(function (menu) {
      closeExportMenu(menu, menu.contains(document.activeElement));
      event.preventDefault();
    });
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    var download = target.closest && target.closest("details.export-menu a[download]");
    openExportMenus().forEach(function (menu) {
      if (download && menu.contains(download)) {
        setTimeout(function () { closeExportMenu(menu, true); }, 0);
      } else if (!menu.contains(target)) {
        closeExportMenu(menu, false);
      }
    });
  });
  document.addEventListener("focusin", function (event) {
    openExportMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) { closeExportMenu(menu, false); }
    });
  });
})();
