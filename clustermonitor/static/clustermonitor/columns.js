// The column chooser of wide tables (core/templatetags/columns.py renders the control,
// hidden, before a table marked data-columns="<id>"). This shows the control, hides the
// columns whose box is unticked in every table with that id, and keeps the choice in
// localStorage under the id, with the table's number of columns: a stored choice for a
// table of another shape is ignored. The first column (data-columns-keep: the first
// few) always shows. Header cells that
// span columns are narrowed as their columns hide and hidden with the last of them.
// Without this script the control stays hidden and every column shows.
(function () {
  "use strict";
  var PREFIX = "clustermonitor.columns.";

  // Each cell of these rows with the first column it covers and its original colspan
  // (kept in data-colspan: the cell's own colspan is narrowed as columns hide).
  function layout(rows) {
    var taken = [], cells = [], width = 0;
    for (var r = 0; r < rows.length; r++) {
      var c = 0;
      taken[r] = taken[r] || [];
      for (var i = 0; i < rows[r].cells.length; i++) {
        var cell = rows[r].cells[i];
        if (!cell.hasAttribute("data-colspan")) cell.setAttribute("data-colspan", cell.colSpan);
        var span = parseInt(cell.getAttribute("data-colspan"), 10) || 1;
        while (taken[r][c]) c++;
        for (var dr = 0; dr < Math.max(cell.rowSpan, 1) && r + dr < rows.length; dr++) {
          taken[r + dr] = taken[r + dr] || [];
          for (var dc = 0; dc < span; dc++) taken[r + dr][c + dc] = true;
        }
        cells.push({ cell: cell, start: c, span: span });
        c += span;
        width = Math.max(width, c);
      }
    }
    return { cells: cells, width: width };
  }

  function sections(table) {
    var list = [];
    if (table.tHead) list.push(table.tHead);
    for (var i = 0; i < table.tBodies.length; i++) list.push(table.tBodies[i]);
    if (table.tFoot) list.push(table.tFoot);
    return list;
  }

  function width(table) {
    return table.tHead ? layout(table.tHead.rows).width : 0;
  }

  function apply(table, hidden) {
    var keep = parseInt(table.getAttribute("data-columns-keep"), 10) || 1;
    sections(table).forEach(function (section) {
      layout(section.rows).cells.forEach(function (item) {
        var shown = 0;
        for (var c = item.start; c < item.start + item.span; c++) {
          if (c < keep || hidden.indexOf(c) < 0) shown++;
        }
        item.cell.hidden = shown === 0;
        if (shown > 0 && item.cell.colSpan !== shown) item.cell.colSpan = shown;
      });
    });
  }

  function load(id, columns) {
    try {
      var stored = JSON.parse(window.localStorage.getItem(PREFIX + id) || "null");
      if (stored && stored.columns === columns && Array.isArray(stored.hidden)) {
        return stored.hidden.filter(function (c) {
          return typeof c === "number" && c >= 0 && c < columns;
        });
      }
    } catch (e) { /* no storage (private mode) or a broken entry: show everything */ }
    return [];
  }

  function save(id, columns, hidden) {
    try {
      if (hidden.length) {
        window.localStorage.setItem(PREFIX + id, JSON.stringify({ columns: columns, hidden: hidden }));
      } else {
        window.localStorage.removeItem(PREFIX + id);
      }
    } catch (e) { /* the choice holds for this page only */ }
  }

  function tablesFor(id) {
    return Array.prototype.filter.call(
      document.querySelectorAll("table[data-columns]"),
      function (t) { return t.getAttribute("data-columns") === id; }
    );
  }

  function setUp(chooser) {
    var id = chooser.getAttribute("data-columns-for");
    var tables = tablesFor(id);
    if (!tables.length) return;
    var columns = width(tables[0]);
    if (chooser.hasAttribute("data-ready")) {
      // The same control, a table swapped in by htmx: it gets the choice too.
      tables.forEach(function (table) { apply(table, load(id, columns)); });
      return;
    }
    var boxes = chooser.querySelectorAll("input[type=checkbox][value]");
    var count = chooser.querySelector(".column-count");

    function show(hidden) {
      tablesFor(id).forEach(function (table) { apply(table, hidden); });
      boxes.forEach(function (box) {
        box.checked = hidden.indexOf(parseInt(box.value, 10)) < 0;
      });
      count.textContent = hidden.length
        ? "(" + count.getAttribute("data-text").replace("{n}", hidden.length) + ")"
        : "";
    }

    function chosen() {
      var hidden = [];
      boxes.forEach(function (box) {
        if (!box.checked) hidden.push(parseInt(box.value, 10));
      });
      return hidden;
    }

    chooser.addEventListener("change", function () {
      var hidden = chosen();
      save(id, columns, hidden);
      show(hidden);
    });
    chooser.querySelector("[data-columns-reset]").addEventListener("click", function () {
      save(id, columns, []);
      show([]);
    });
    show(load(id, columns));
    chooser.hidden = false;
    chooser.setAttribute("data-ready", "");
  }

  function setUpAll() {
    document.querySelectorAll("details.column-chooser[data-columns-for]").forEach(setUp);
  }

  function openChoosers() {
    return document.querySelectorAll("details.column-chooser[open]");
  }

  // Like the main menu: a click elsewhere or Escape closes an open chooser (Escape puts
  // the focus back on its button).
  document.addEventListener("click", function (event) {
    openChoosers().forEach(function (chooser) {
      if (!chooser.contains(event.target)) chooser.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openChoosers().forEach(function (chooser) {
      chooser.removeAttribute("open");
      if (chooser.contains(document.activeElement)) chooser.querySelector("summary").focus();
    });
  });
  // Tabbing out of an open chooser closes it (it would cover the table otherwise).
  document.addEventListener("focusout", function (event) {
    var chooser = event.target.closest && event.target.closest("details.column-chooser[open]");
    if (chooser && event.relatedTarget && !chooser.contains(event.relatedTarget)) {
      chooser.removeAttribute("open");
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
  // A filtered or sorted table arrives by htmx with its own control.
  document.addEventListener("htmx:afterSettle", setUpAll);
})();
