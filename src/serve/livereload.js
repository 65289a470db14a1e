// Live reload for `skills-atlas serve`. The server adds this script to pages
// as it serves them; it is never part of a built site.
(function () {
  "use strict";
  var here = decodeURIComponent(location.pathname);
  if (here.slice(-1) === "/") here += "index.html";
  var dismissed = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function stylesheet() {
    if (document.getElementById("skills-atlas-live-css")) return;
    var link = document.createElement("link");
    link.id = "skills-atlas-live-css";
    link.rel = "stylesheet";
    link.href = "/__livereload.css";
    document.head.appendChild(link);
  }

  // Build failures and error findings, over the page, until fixed or closed.
  function overlay(status) {
    var old = document.getElementById("skills-atlas-live");
    if (old) old.parentNode.removeChild(old);
    var problems = [];
    if (!status.ok) problems.push({ where: "", message: status.message });
    (status.errors || []).forEach(function (e) {
      problems.push({ where: e.path + (e.line ? ":" + e.line : ""), message: e.message });
    });
    if (!problems.length || dismissed === status.generation) return;
    stylesheet();
    var box = el("section", "skills-atlas-live");
    box.id = "skills-atlas-live";
    box.setAttribute("role", "alert");
    var close = el("button", "skills-atlas-live-close", "Close");
    close.type = "button";
    close.addEventListener("click", function () {
      dismissed = status.generation;
      box.parentNode.removeChild(box);
    });
    box.appendChild(close);
    var title = status.ok ? "skills-atlas: " + problems.length + " error" + (problems.length === 1 ? "" : "s") + " in submissions"
                          : "skills-atlas: the build failed; showing the last good site";
    box.appendChild(el("h2", null, title));
    var list = el("ul");
    problems.slice(0, 50).forEach(function (p) {
      var item = el("li");
      if (p.where) item.appendChild(el("code", null, p.where + " "));
      item.appendChild(document.createTextNode(p.message));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (status.more) box.appendChild(el("p", null, "... and " + status.more + " more (see the terminal)"));
    document.body.appendChild(box);
  }

  function refresh() {
    fetch("/__status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(overlay)
      .catch(function () {});
  }

  var source = new EventSource("/__livereload");
  source.addEventListener("reload", function (ev) {
    var d = JSON.parse(ev.data);
    var mine = d.all || d.pages.some(function (p) { return p === here || /\.(css|js)$/.test(p); });
    if (mine) location.reload();
    else refresh();
  });
  source.addEventListener("status", refresh);
  refresh();
})();
