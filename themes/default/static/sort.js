// Tables with class "sortable": a button in each column header sorts the
// rows by that column, letter case aside ("gRPC" beside "Go") and numbers as
// numbers; a second press reverses. Progressive enhancement: without it the
// table is complete, in the order the server wrote it.
(function () {
  "use strict";
  var collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

  // A cell's sort key: its data-sort attribute, else its text.
  function text(cell) {
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    return v === null ? cell.textContent.trim() : v;
  }

  function isNumber(s) {
    return s !== "" && !isNaN(Number(s));
  }

  function numericColumn(th, rows, i) {
    var type = th.getAttribute("data-type");
    if (type) return type === "number";
    var any = false;
    for (var r = 0; r < rows.length; r++) {
      var v = text(rows[r].cells[i]);
      if (v === "") continue;
      if (!isNumber(v)) return false;
      any = true;
    }
    return any;
  }

  function enhance(table) {
    var body = table.tBodies[0];
    if (!table.tHead || !body) return;
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.slice.call(body.rows);
    heads.forEach(function (th, i) {
      if (th.hasAttribute("data-nosort")) return;
      var numeric = numericColumn(th, rows, i);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var now = th.getAttribute("aria-sort");
        // Numbers most first, words from A; pressed again, the other way.
        var asc = now ? now !== "ascending" : !numeric;
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var keyed = rows.map(function (row, at) {
          var v = text(row.cells[i]);
          return { row: row, at: at, v: numeric ? (isNumber(v) ? Number(v) : -Infinity) : v };
        });
        keyed.sort(function (a, b) {
          var c = numeric ? (a.v < b.v ? -1 : a.v > b.v ? 1 : 0) : collator.compare(a.v, b.v);
          // Ties keep the server's order, whichever the direction.
          return (asc ? c : -c) || a.at - b.at;
        });
        keyed.forEach(function (k) { body.appendChild(k.row); });
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), enhance);
})();
