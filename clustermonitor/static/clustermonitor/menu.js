// The main menu's groups are <details> elements: they open and close without script, by
// mouse and by keyboard. This only adds what a dropdown is expected to do besides: a click
// elsewhere or Escape closes the open group (Escape puts the focus back on its heading).
(function () {
  "use strict";
  function openGroups() {
    return document.querySelectorAll("header nav.menu details[open]");
  }
  document.addEventListener("click", function (event) {
    openGroups().forEach(function (group) {
      if (!group.contains(event.target)) group.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openGroups().forEach(function (group) {
      group.removeAttribute("open");
      if (group.contains(document.activeElement)) group.querySelector("summary").focus();
    });
  });
})();
