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
})();
