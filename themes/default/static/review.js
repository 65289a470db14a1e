// Review page: sort the table by a header click, filter rows by a text box.
// Progressive enhancement: without it the page is the full, server-ordered table.
(function () {
  "use strict";
  var table = document.getElementById("review-table");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);

  var box = document.createElement("input");
  box.type = "search";
  box.placeholder = "Filter rows (student, role, missing section…)";
  box.setAttribute("aria-label", "Filter submissions");
  var count = document.createElement("span");
  count.className = "muted";
  var bar = document.createElement("p");
  bar.appendChild(box);
  bar.appendChild(document.createTextNode(" "));
  bar.appendChild(count);
  table.parentNode.insertBefore(bar, table);

  function filter() {
    var q = box.value.toLowerCase().trim();
    var shown = 0;
    rows.forEach(function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) !== -1;
      r.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = shown + " of " + rows.length + " shown";
  }
  box.addEventListener("input", filter);
  filter();

  function key(row, i, numeric) {
    var cell = row.cells[i];
    var v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent.trim();
    return numeric ? parseFloat(v) || 0 : v.toLowerCase();
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    var numeric = th.getAttribute("data-type") === "number";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, i, numeric), y = key(b, i, numeric);
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
