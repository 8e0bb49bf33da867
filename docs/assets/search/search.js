/* 答复公开 search: the browser half of build_scripts/search (format: build_scripts/search/FORMAT.md).
 * No dependencies. Letter text only ever reaches the page through textContent. */
(function () {
  "use strict";
  var script = document.currentScript;
  var BASE = new URL("../../search/idx/", script ? script.src : location.href);
  var SITE = new URL("../../", script ? script.src : location.href);
  var PAGE = 10;
  var cache = new Map();
  var bytes = 0;

  function get(rel) {
    if (!cache.has(rel)) {
      cache.set(rel, fetch(new URL(rel, BASE)).then(function (r) {
        if (!r.ok) { throw new Error(rel + ": HTTP " + r.status); }
        return r.text();
      }).then(function (t) { bytes += t.length; return JSON.parse(t); }));
    }
    return cache.get(rel);
  }

  function fnv1a(term) {
    var h = 0x811c9dc5, data = new TextEncoder().encode(term);
    for (var i = 0; i < data.length; i++) { h ^= data[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function normalise(text, t2s) {
    var s = text.normalize("NFKC").toLowerCase().replace(/\s+/g, "").replace(/\u0000/g, "");
    var out = "";
    for (var ch of s) { out += t2s[ch] || ch; }
    return out;
  }

  function entry(man, term) {
    return get("s/" + (fnv1a(term) % man.shards) + ".json").then(function (shard) {
      var e = Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
      return e && e.x ? get("x/" + e.x) : e;
    });
  }

  function undelta(v) { var out = [], t = 0; for (var i = 0; i < v.length; i++) { t += v[i]; out.push(t); } return out; }

  function positions(flat, keep) {
    var out = new Map(), i = 0, doc = 0;
    while (i < flat.length) {
      doc += flat[i]; var n = flat[i + 1];
      if (!keep || keep.has(doc)) { out.set(doc, undelta(flat.slice(i + 2, i + 2 + n))); }
      i += 2 + n;
    }
    return out;
  }

  var MAX_GRAM = 4;

  /* Same rule as grams.plan: cover every bigram offset; grow a common gram right, then left. */
  async function plan(q, isCommon) {
    var out = [], covered = -1, n = q.length;
    for (var i = 0; i < n - 1; i++) {
      if (i <= covered) { continue; }
      var start = i, end = i + 2;
      while (end - start < MAX_GRAM && await isCommon(q.slice(start, end))) {
        if (end < n) { end += 1; } else if (start > 0) { start -= 1; } else { return null; }
      }
      out.push({ gram: q.slice(start, end), offset: start });
      covered = end - 2;
    }
    return out;
  }

  function firsts(posMap, bodyBase) {
    var first = new Map();
    posMap.forEach(function (ps, d) {
      var body = ps.find(function (p) { return p >= bodyBase; });
      first.set(d, { any: ps[0], body: body === undefined ? null : body });
    });
    return first;
  }

  function docsResult(e) {
    var head = new Set(undelta(e.h || []));
    var first = e.p ? firsts(positions(e.p), MANIFEST.bodyBase) : new Map();
    return { docs: rank(undelta(e.d), head), head: head, first: first };
  }

  var MANIFEST = null;

  /* -> {docs: ranked doc ids, head: Set, first: Map doc -> {any, body}} */
  async function run(man, q) {
    MANIFEST = man;
    var empty = { docs: [], head: new Set(), first: new Map() };
    if (!q || Array.from(q).length !== q.length) { return empty; } // outside the BMP: not indexed
    if (q.length <= 2) {
      var e1 = await entry(man, q);
      return e1 ? docsResult(e1) : empty;
    }
    var grams = new Map();
    var get = function (g) { if (!grams.has(g)) { grams.set(g, entry(man, g)); } return grams.get(g); };
    var bis = [];
    for (var i = 0; i < q.length - 1; i++) { bis.push(get(q.slice(i, i + 2))); }
    var es = await Promise.all(bis);
    if (es.some(function (e) { return !e; })) { return empty; }
    var cand = null;
    es.forEach(function (e) {
      var s = new Set(undelta(e.d));
      cand = cand === null ? s : new Set(Array.from(cand).filter(function (d) { return s.has(d); }));
    });
    if (cand.size === 0) { return empty; }
    var missing = false;
    var cons = await plan(q, async function (g) { var e = await get(g); if (!e) { missing = true; } return !!(e && e.c); });
    if (missing) { return empty; }
    if (cons === null) { return docsResult(await get(q)); } // the query is itself a common gram
    var ces = await Promise.all(cons.map(function (c) { return get(c.gram); }));
    if (ces.some(function (e) { return !e || !e.p; })) { return empty; }
    var lists = ces.map(function (e) { return positions(e.p, cand); });
    var anchor = 0, best = Infinity;
    lists.forEach(function (l, k) { var n = 0; l.forEach(function (v) { n += v.length; }); if (n < best) { best = n; anchor = k; } });
    var sets = lists.map(function (l) { var m = new Map(); l.forEach(function (v, d) { m.set(d, new Set(v)); }); return m; });
    var found = new Map();
    Array.from(cand).sort(function (a, b) { return a - b; }).forEach(function (d) {
      var starts = [];
      (lists[anchor].get(d) || []).forEach(function (p) {
        var s = p - cons[anchor].offset;
        if (cons.every(function (c, k) { var set = sets[k].get(d); return set && set.has(s + c.offset); })) { starts.push(s); }
      });
      if (starts.length) { found.set(d, starts); }
    });
    var first = firsts(found, man.bodyBase), head = new Set();
    first.forEach(function (f, d) { if (f.any < man.bodyBase) { head.add(d); } });
    return { docs: rank(Array.from(found.keys()), head), head: head, first: first };
  }

  function rank(docs, head) {
    return docs.slice().sort(function (a, b) { return (head.has(a) ? 0 : 1) - (head.has(b) ? 0 : 1) || a - b; });
  }

  /* ------------------------------------------------------------------ snippets */

  function origAt(block, rel) {
    var bp = block.b, k = 0;
    for (var i = 0; i < bp.length && bp[i][0] <= rel; i++) { k = i; }
    return bp[k][1] + (rel - bp[k][0]);
  }

  function snippetFrom(block, rel, qlen) {
    var start = origAt(block, rel);
    var end = origAt(block, Math.min(rel + qlen - 1, block.n.length - 1)) + 1;
    var from = Math.max(0, start - 40), to = Math.min(block.o.length, end + 80);
    var clean = function (s) { return s.replace(/\u0000/g, " … ").replace(/\s+/g, " "); };
    return { before: (from > 0 ? "…" : "") + clean(block.o.slice(from, start)), match: clean(block.o.slice(start, end)),
             after: clean(block.o.slice(end, to)) + (to < block.o.length ? "…" : "") };
  }

  function snippet(man, d, first, q) {
    var pos = first ? (first.body !== null ? first.body : first.any) : null;
    if (pos !== null) {
      var k = Math.floor(pos / man.block);
      return get("t/" + d + ".json").then(function (bs) {
        var b = bs.find(function (x) { return x.k === k; });
        return b ? snippetFrom(b, pos - k * man.block, q.length) : null;
      });
    }
    return get("t/" + d + ".json").then(function (bs) {
      var body = bs.filter(function (b) { return b.k * man.block >= man.bodyBase; });
      var order = body.concat(bs.filter(function (b) { return b.k * man.block < man.bodyBase; }));
      for (var i = 0; i < order.length; i++) {
        var at = order[i].n.indexOf(q);
        if (at >= 0) { return snippetFrom(order[i], at, q.length); }
      }
      return null;
    });
  }

  /* ------------------------------------------------------------------ page */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function App(root) {
    this.root = root;
    this.form = root.querySelector("form");
    this.input = root.querySelector("input[name=q]");
    this.status = root.querySelector(".dg-status");
    this.facetBox = root.querySelector(".dg-facets");
    this.list = root.querySelector(".dg-results");
    this.more = root.querySelector(".dg-more");
    this.filters = {};
    this.result = null;
    this.shown = 0;
    var self = this;
    this.form.addEventListener("submit", function (ev) { ev.preventDefault(); self.filters = {}; self.go(true); });
    this.more.addEventListener("click", function () {
      self.root.setAttribute("data-state", "searching");
      self.showMore().all.then(function () { self.root.setAttribute("data-state", "done"); });
    });
    window.addEventListener("popstate", function () { self.fromUrl(); });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "/" && document.activeElement !== self.input && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
        ev.preventDefault(); self.input.focus(); self.input.select();
      }
    });
  }

  App.prototype.fromUrl = function () {
    var params = new URLSearchParams(location.search);
    this.input.value = params.get("q") || "";
    this.filters = {};
    var self = this;
    params.forEach(function (v, k) { if (k !== "q") { self.filters[k] = v; } });
    this.go(false);
  };

  App.prototype.url = function () {
    var params = new URLSearchParams();
    params.set("q", this.input.value);
    var f = this.filters;
    Object.keys(f).sort().forEach(function (k) { if (f[k]) { params.set(k, f[k]); } });
    return "?" + params.toString();
  };

  App.prototype.go = function (push) {
    var self = this, started = performance.now(), raw = this.input.value;
    if (push) { history.pushState(null, "", this.url()); }
    this.root.setAttribute("data-state", "searching");
    bytes = 0;
    return Promise.all([get("manifest.json"), get("t2s.json"), get("facets.json")]).then(function (r) {
      var man = r[0], q = normalise(raw, r[1]);
      self.man = man; self.facets = r[2]; self.q = q;
      return run(man, q);
    }).then(function (res) {
      self.result = res;
      self.render(started);
    }).catch(function (err) {
      self.status.textContent = "检索出错：" + err.message;
      self.root.setAttribute("data-state", "error");
    });
  };

  App.prototype.filtered = function () {
    var fx = this.facets, filters = this.filters;
    var active = fx.facets.map(function (f, i) {
      return filters[f.slug] ? { i: i, v: f.values.indexOf(filters[f.slug]) } : null;
    }).filter(Boolean);
    return this.result.docs.filter(function (d) {
      var t = fx.tuples[fx.docs[d]];
      return active.every(function (a) { return t[a.i].indexOf(a.v) >= 0; });
    });
  };

  App.prototype.render = function (started) {
    var self = this, docs = this.filtered();
    this.docs = docs;
    this.list.textContent = "";
    this.shown = 0;
    var raw = this.input.value.trim();
    if (!raw) {
      this.status.textContent = "输入字词，检索全部答复的标题、文号、提出人和正文。";
    } else {
      this.status.textContent = "“" + raw + "”：找到 " + docs.length + " 件答复" +
        (docs.length !== this.result.docs.length ? "（共 " + this.result.docs.length + " 件，已按条件筛选）" : "");
    }
    document.title = (raw ? raw + " - " : "") + "检索 - 答复公开";
    this.renderFacets();
    var page = this.showMore();
    return page.titles.then(function () {
      window.dgSearchTiming = { first: performance.now() - started, bytes: bytes };
      return page.all;
    }).then(function () {
      self.root.setAttribute("data-state", "done");
      window.dgSearchTiming.ms = performance.now() - started;
      window.dgSearchTiming.bytes = bytes;
    });
  };

  App.prototype.renderFacets = function () {
    var self = this, fx = this.facets, box = this.facetBox, all = this.result.docs;
    box.textContent = "";
    if (!all.length) { return; }
    fx.facets.forEach(function (f, i) {
      var counts = new Map();
      self.docs.forEach(function (d) {
        fx.tuples[fx.docs[d]][i].forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
      });
      var wrap = el("div", "dg-facet");
      var id = "dg-facet-" + f.slug;
      var label = el("label", null, f.title);
      label.htmlFor = id;
      var select = el("select");
      select.id = id;
      select.name = f.slug;
      select.appendChild(el("option", null, "全部")).value = "";
      Array.from(counts.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; }).forEach(function (e) {
        var opt = el("option", null, f.values[e[0]] + "（" + e[1] + "）");
        opt.value = f.values[e[0]];
        select.appendChild(opt);
      });
      select.value = self.filters[f.slug] || "";
      select.addEventListener("change", function () {
        self.filters[f.slug] = select.value;
        history.pushState(null, "", self.url());
        self.render(performance.now()).then(function () { document.getElementById(id).focus(); });
      });
      wrap.appendChild(label);
      wrap.appendChild(select);
      box.appendChild(wrap);
    });
  };

  App.prototype.showMore = function () {
    var self = this, man = this.man, page = this.docs.slice(this.shown, this.shown + PAGE);
    this.shown += page.length;
    this.more.hidden = this.shown >= this.docs.length;
    var titles = [];
    var items = page.map(function (d) {
      var li = el("li", "dg-result");
      self.list.appendChild(li);
      var meta = get("m/" + Math.floor(d / man.metaShard) + ".json").then(function (shard) {
        var m = shard[d % man.metaShard];
        var h = el("h3", "dg-title");
        var a = el("a", null, m.title);
        a.href = new URL(m.url, SITE).href;
        h.appendChild(a);
        li.appendChild(h);
        if (self.result.head.has(d)) { li.appendChild(el("span", "dg-badge", "标题或文号命中")); }
        var line = [m.agency, m.date, m.kind, m.category].filter(Boolean).join(" · ");
        li.appendChild(el("p", "dg-meta", line));
        if (m.proposal_title) { li.appendChild(el("p", "dg-proposal", "《" + m.proposal_title + "》")); }
      });
      titles.push(meta);
      var snip = snippet(man, d, self.result.first.get(d), self.q);
      return Promise.all([meta, snip]).then(function (r) {
        var s = r[1];
        if (!s) { return; }
        var p = el("p", "dg-snippet");
        p.appendChild(document.createTextNode(s.before));
        p.appendChild(el("mark", null, s.match));
        p.appendChild(document.createTextNode(s.after));
        li.appendChild(p);
      });
    });
    return { titles: Promise.all(titles), all: Promise.all(items) };
  };

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("dg-search");
    if (!root) { return; }
    var app = new App(root);
    app.fromUrl();
  });
})();
