// Site search: a box in the header over search-index.js, which the build
// writes (src/render/search.rs), so it works on GitHub Pages and from disk.
// Progressive enhancement: without script there is no box, and every page is
// still reachable from the navigation. Student text only ever reaches the
// page as text nodes.
(function () {
  "use strict";

  var INDEX = "search-index.js"; // src/render/search.rs: INDEX_PATH
  var MAX_RESULTS = 10;

  // Case- and accent-insensitive: "ВИТР" finds "Витрина", "ёлка" "елка".
  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function words(s) {
    return s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // Precompute folded forms once per index.
  function prepare(data) {
    var kinds = data.kinds || [];
    return (data.entries || []).map(function (e, i) {
      var keywords = (e[4] || []).map(fold);
      var title = fold(e[1]);
      return {
        kind: kinds[e[0]] || "",
        title: String(e[1]),
        url: String(e[2]),
        detail: String(e[3] || ""),
        pos: i,
        t: title,
        tw: words(title),
        kw: keywords,
        kww: words(keywords.join(" ")),
      };
    });
  }

  function everyPrefix(tokens, of) {
    return tokens.every(function (q) {
      return of.some(function (w) { return w.indexOf(q) === 0; });
    });
  }

  // Higher is better; 0 is no match. Titles before keywords; within each,
  // exact before prefix before word prefixes before substring.
  function score(e, q, tokens) {
    if (e.t === q) return 100;
    if (e.t.indexOf(q) === 0) return 90;
    if (tokens.length && everyPrefix(tokens, e.tw)) return 80;
    if (e.t.indexOf(q) !== -1) return 70;
    var i, best = 0;
    for (i = 0; i < e.kw.length; i++) {
      if (e.kw[i] === q) return 60;
      if (e.kw[i].indexOf(q) === 0) best = Math.max(best, 50);
      else if (e.kw[i].indexOf(q) !== -1) best = Math.max(best, 20);
    }
    if (best < 40 && tokens.length && everyPrefix(tokens, e.tw.concat(e.kww))) best = 40;
    return best;
  }

  // The best `limit` entries for `query`: by score, then in index order
  // (pages, roles, skills, products, components, submissions; each kind in
  // the cohort's order).
  function rank(entries, query, limit) {
    var q = fold(query).replace(/\s+/g, " ").trim();
    if (!q) return [];
    var tokens = words(q);
    var hits = [];
    entries.forEach(function (e) {
      var s = score(e, q, tokens);
      if (s > 0) hits.push({ e: e, s: s });
    });
    hits.sort(function (a, b) {
      return b.s - a.s || a.e.pos - b.e.pos;
    });
    return hits.slice(0, limit || MAX_RESULTS).map(function (h) { return h.e; });
  }

  if (typeof module === "object" && module.exports) {
    module.exports = { fold: fold, prepare: prepare, rank: rank };
  }
  if (typeof document === "undefined") return;

  var holder = document.getElementById("site-search");
  if (!holder) return;
  var root = holder.getAttribute("data-root") || "";

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text) n.textContent = text;
    return n;
  }

  var form = el("form", { role: "search", "class": "search-form" });
  var label = el("label", { "for": "search", "class": "visually-hidden" }, "Search the atlas");
  var input = el("input", {
    type: "search", id: "search", name: "q", autocomplete: "off", spellcheck: "false",
    placeholder: "Search students, roles, skills…",
    "aria-controls": "search-results", "aria-describedby": "search-status",
  });
  var status = el("p", { id: "search-status", "class": "visually-hidden", role: "status" });
  var list = el("ul", { id: "search-results", "class": "search-results", "aria-label": "Search results" });
  list.hidden = true;
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(status);
  form.appendChild(list);
  holder.appendChild(form);

  var entries = null;
  var loading = false;
  var followFirst = false;

  function load() {
    if (entries || loading) return;
    if (window.skillsAtlasSearch) {
      entries = prepare(window.skillsAtlasSearch);
      return;
    }
    loading = true;
    var s = document.createElement("script");
    s.src = root + INDEX;
    s.onload = function () {
      loading = false;
      entries = prepare(window.skillsAtlasSearch || {});
      update();
      if (followFirst) go();
    };
    s.onerror = function () {
      loading = false;
      status.textContent = "The search index could not be loaded.";
    };
    document.head.appendChild(s);
  }

  // Title with the matched part in <mark>, as text nodes only.
  function titleNode(e, q) {
    var span = el("span", { "class": "search-title" });
    var at = q && fold(e.title).length === e.title.length ? fold(e.title).indexOf(q) : -1;
    if (at === -1) {
      span.textContent = e.title;
    } else {
      span.appendChild(document.createTextNode(e.title.slice(0, at)));
      span.appendChild(el("mark", {}, e.title.slice(at, at + q.length)));
      span.appendChild(document.createTextNode(e.title.slice(at + q.length)));
    }
    return span;
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  function update() {
    var query = input.value;
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!query.trim()) {
      list.hidden = true;
      status.textContent = "";
      return;
    }
    if (!entries) {
      status.textContent = "Loading the search index…";
      return;
    }
    var q = fold(query).replace(/\s+/g, " ").trim();
    var hits = rank(entries, query, MAX_RESULTS);
    hits.forEach(function (e) {
      if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(e.url)) return; // only paths inside the site
      var a = el("a", { href: root + e.url, "data-kind": e.kind });
      a.appendChild(titleNode(e, q));
      a.appendChild(el("span", { "class": "search-detail" }, e.detail));
      var li = el("li");
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = hits.length === 0;
    status.textContent = hits.length
      ? hits.length + (hits.length === MAX_RESULTS ? "+ results" : hits.length === 1 ? " result" : " results")
      : "No results";
  }

  function go() {
    followFirst = false;
    var first = list.querySelector("a");
    if (first) window.location.href = first.href;
  }

  function close() {
    list.hidden = true;
  }

  input.addEventListener("focus", function () {
    load();
    if (input.value.trim() && list.firstChild) list.hidden = false;
  });
  input.addEventListener("input", function () {
    load();
    update();
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (entries) go();
    else if (input.value.trim()) followFirst = true;
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" && links().length) {
      ev.preventDefault();
      list.hidden = false;
      links()[0].focus();
    } else if (ev.key === "Escape") {
      if (!list.hidden) close();
      else input.value = "";
    }
  });
  list.addEventListener("keydown", function (ev) {
    var all = links();
    var i = all.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" && i < all.length - 1) {
      ev.preventDefault();
      all[i + 1].focus();
    } else if (ev.key === "ArrowUp") {
      ev.preventDefault();
      (i > 0 ? all[i - 1] : input).focus();
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      close();
      input.focus();
    }
  });
  // A click on a result must not blur the box first (and hide the list).
  list.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
  // Hide the results when focus or a click leaves the search box.
  form.addEventListener("focusout", function (ev) {
    if (!ev.relatedTarget || !form.contains(ev.relatedTarget)) close();
  });
  document.addEventListener("click", function (ev) {
    if (!form.contains(ev.target)) close();
  });
})();
