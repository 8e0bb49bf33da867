/* 答复公开 search: the browser half of build_scripts/search (format: build_scripts/search/FORMAT.md).
 * No dependencies. Letter text only ever reaches the page through textContent. */
(function () {
  "use strict";
  /* One file, two roles. In a Worker it is the engine: it fetches the index, answers queries and
   * cuts snippets, off the page's main thread, so a ?q= link's search runs while the theme's
   * styles and scripts are still loading. On the page it is the interface: it asks the engine and
   * renders. The search page starts the engine first thing in <head> (overrides/partials/search-boot.html). */
  var IN_WORKER = typeof document === "undefined";
  var HERE = IN_WORKER ? self.location.href : (document.currentScript ? document.currentScript.src : location.href);
  var BASE = new URL("../../search/idx/", HERE);
  var SITE = new URL("../../", HERE);
  var PAGE = 10;
  var cache = new Map();
  var bytes = 0;

  /* A file of the index (relative to BASE); `load` reads any JSON file of the site (relative to SITE:
   * the API's records), so a site published under a sub-path finds both where the script is. */
  function get(rel) { return load(rel, BASE); }

  function load(rel, base) {
    var url = new URL(rel, base).href;
    if (!cache.has(url)) {
      cache.set(url, fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(rel + ": HTTP " + r.status); }
        return r.arrayBuffer();
      }).then(function (buf) {
        /* Index files are stored gzipped (the site must fit its host); a host that sends them with
         * Content-Encoding: gzip has already inflated them, so look at the bytes, not the headers. */
        bytes += buf.byteLength;
        var head = new Uint8Array(buf, 0, Math.min(2, buf.byteLength));
        if (head[0] === 0x1f && head[1] === 0x8b) {
          return new Response(new Blob([buf]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
        }
        return new TextDecoder().decode(buf);
      }).then(JSON.parse));
    }
    return cache.get(url);
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
      if (!Object.prototype.hasOwnProperty.call(shard, term)) { return null; }
      var e = shard[term];
      return Array.isArray(e) ? { p: e } : e; // a bare list: positions only (FORMAT.md)
    });
  }

  function docSets(e) { return e.dx ? get("x/" + e.dx + ".json") : Promise.resolve(e); }
  function flatPositions(e) { return e.px ? get("x/" + e.px + ".json") : Promise.resolve(e.p || []); }

  function undelta(v) { var out = [], t = 0; for (var i = 0; i < v.length; i++) { t += v[i]; out.push(t); } return out; }

  /* delta-coded coordinates doc · stride + position -> Map doc -> sorted positions */
  function positions(deltas, stride) {
    var out = new Map(), c = 0, doc = -1, ps = null;
    for (var i = 0; i < deltas.length; i++) {
      c += deltas[i];
      var d = Math.floor(c / stride);
      if (d !== doc) { doc = d; ps = []; out.set(d, ps); }
      ps.push(c - d * stride);
    }
    return out;
  }

  /* Same rule as grams.plan: cover every character; grow a common gram right, then left.
   * Commonness comes from the manifest, so the plan is known before any shard is read. */
  function plan(q, isCommon) {
    var out = [], n = q.length, i = 0;
    while (i < n) {
      var start = Math.min(i, n - 2), end = start + 2;
      while (isCommon(q.slice(start, end))) {
        if (end < n) { end += 1; } else if (start > 0) { start -= 1; } else { return null; }
      }
      out.push({ gram: q.slice(start, end), offset: start });
      i = end;
    }
    return out;
  }

  var commonSets = new WeakMap();
  function commonSet(man) {
    if (!commonSets.has(man)) { commonSets.set(man, new Set(man.commonGrams)); }
    return commonSets.get(man);
  }

  async function setsResult(man, e) {
    if (!e.d && !e.dx) { // a rare bigram: its positions give its doc set
      var head = new Set(), ps = positions(await flatPositions(e), man.stride);
      ps.forEach(function (p, d) { if (p[0] < man.bodyBase) { head.add(d); } });
      return { docs: rank(Array.from(ps.keys()), head), head: head };
    }
    var s = await docSets(e), h = new Set(undelta(s.h || []));
    return { docs: rank(undelta(s.d || []), h), head: h };
  }

  /* -> {docs: ranked doc ids, head: Set of docs matching in a head field} */
  async function run(man, q) {
    var empty = { docs: [], head: new Set() };
    if (!q || Array.from(q).length !== q.length) { return empty; } // outside the BMP: not indexed
    var grams = new Map();
    var get1 = function (g) { if (!grams.has(g)) { grams.set(g, entry(man, g)); } return grams.get(g); };
    if (q.length <= 2) {
      var e1 = await get1(q);
      return e1 ? setsResult(man, e1) : empty;
    }
    var common = commonSet(man);
    var cons = plan(q, function (g) { return common.has(g); });
    if (cons === null) { return setsResult(man, await get1(q)); } // the query is itself a common gram
    /* Every planned gram's shard at once; each gram's positions as soon as its entry is in. */
    var flats = await Promise.all(cons.map(function (c) {
      return get1(c.gram).then(function (e) { return e ? flatPositions(e) : null; });
    }));
    if (flats.some(function (f) { return f === null; })) { return empty; } // a gram that occurs nowhere
    var lists = flats.map(function (f) { return positions(f, man.stride); });
    var anchor = 0;
    lists.forEach(function (l, k) { if (l.size < lists[anchor].size) { anchor = k; } });
    var found = new Map();
    lists[anchor].forEach(function (ps, d) {
      var sets = [];
      for (var k = 0; k < lists.length; k++) {
        var l = lists[k].get(d);
        if (!l) { return; }
        sets.push(k === anchor ? null : new Set(l));
      }
      for (var j = 0; j < ps.length; j++) {
        var s = ps[j] - cons[anchor].offset, ok = true;
        for (var m = 0; m < cons.length && ok; m++) { if (m !== anchor && !sets[m].has(s + cons[m].offset)) { ok = false; } }
        if (ok) { found.set(d, s); return; }
      }
    });
    var head = new Set();
    found.forEach(function (s, d) { if (s < man.bodyBase) { head.add(d); } });
    return { docs: rank(Array.from(found.keys()), head), head: head };
  }

  function rank(docs, head) {
    return docs.slice().sort(function (a, b) { return (head.has(a) ? 0 : 1) - (head.has(b) ? 0 : 1) || a - b; });
  }

  /* ------------------------------------------------------------------ snippets */

  /* The reply's original text, normalised as the build does (NFKC, t2s, lower case, no white
   * space) with, for each normalised character, the index of the original character it came from. */
  function normMap(text, t2s) {
    var n = [], o = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i), ch = text[i], f;
      if (c >= 0x4e00 && c <= 0x9fff) { n.push(t2s[ch] || ch); o.push(i); continue; }
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { ch = text.slice(i, i + 2); }
      f = ch.normalize("NFKC");
      for (var x of f) {
        x = t2s[x] || x;
        if (/\s/.test(x)) { continue; }
        for (var y of x.toLowerCase()) { n.push(y); o.push(i); }
      }
      i += ch.length - 1;
    }
    return { n: n.join(""), o: o };
  }

  function cut(text, start, end, field) {
    var from = Math.max(0, start - 40), to = Math.min(text.length, end + 80);
    var clean = function (s) { return s.replace(/\s+/g, " "); };
    return { before: (from > 0 ? "…" : "") + clean(text.slice(from, start)), match: clean(text.slice(start, end)),
             after: clean(text.slice(end, to)) + (to < text.length ? "…" : ""), field: field, at: start };
  }

  /* The first match, body first: the original text as written (most letters are), else each
   * field normalised with its map back to the original. */
  function snippet(doc, q, t2s) {
    var head = [doc.title, doc.proposal_title, doc.agency, doc.doc_number].concat(doc.proposers || []).filter(Boolean);
    var fields = (doc.body || []).concat(head), f, at;
    for (f = 0; f < fields.length; f++) {
      at = fields[f].indexOf(q);
      if (at >= 0) { return cut(fields[f], at, at + q.length, f); }
    }
    for (f = 0; f < fields.length; f++) {
      var text = fields[f], m = normMap(text, t2s);
      at = m.n.indexOf(q);
      if (at < 0) { continue; }
      var end = m.o[at + q.length - 1] + 1;
      while (end < text.length && /[\udc00-\udfff]/.test(text[end])) { end++; }
      return cut(text, m.o[at], end, f);
    }
    return null;
  }

  /* ------------------------------------------------------------------ engine (in the Worker) */

  /* The page of a long letter that holds a body match: `parts` lists pages 2, 3, … as [body field
   * index, offset, url] of their start (FORMAT.md); 0 is page 1 (also for a match in the head). */
  function partOf(m, s) {
    var page = 0;
    if (s && m.parts && s.field < (m.body || []).length) {
      m.parts.forEach(function (p, k) { if (p[0] < s.field || (p[0] === s.field && p[1] <= s.at)) { page = k + 1; } });
    }
    return page;
  }

  /* What the result list shows of one reply: its metadata and the snippet, never its whole text. */
  function item(d, m, q, t2s) {
    var s = q ? snippet(m, q, t2s) : null, page = partOf(m, s);
    return { d: d, url: page ? m.parts[page - 1][2] : m.url, page: page ? page + 1 : 0, pages: m.parts ? m.parts.length + 1 : 1,
             title: m.title, agency: m.agency, date: m.date, kind: m.kind, category: m.category,
             proposal_title: m.proposal_title, proposal: m.proposal || null, role: m.role || null, snippet: s && { before: s.before, match: s.match, after: s.after } };
  }

  /* The body fields of an API record in replytext.body_places' order (the order the index numbers
   * them in and a long letter's pages are cut in): each section's heading if any, then its text if any. */
  function bodyOf(rec) {
    var out = [];
    (rec.sections || []).forEach(function (s) { if (s.heading) { out.push(s.heading); } if (s.text) { out.push(s.text); } });
    return out;
  }

  function fill(template, id) { return template.split("{id}").join(id); }

  /* What the result list needs of doc d: its entry in i/<chunk>.json (reply id, 办理类型, proposal,
   * parts: FORMAT.md) and the reply's record in the public API, which holds everything else. */
  function meta(man, d) {
    var k = Math.floor(d / man.chunk);
    return get("i/" + k + ".json").then(function (chunk) {
      var e = chunk[d - k * man.chunk], id = e[0];
      return load(fill(man.recordUrl, id), SITE).then(function (rec) {
        return { id: id, url: fill(man.replyUrl, id), title: rec.title, proposal_title: rec.proposal_title,
                 agency: rec.agency, doc_number: rec.doc_number, date: rec.reply_date || rec.published_date || null,
                 kind: rec.proposal_kind, category: e[1], role: rec.handling_role || null,
                 proposal: e[2] ? { id: rec.proposal_id, replies: e[2][0], url: e[2][1] } : null,
                 proposers: rec.proposers, body: bodyOf(rec), parts: e[3] };
      });
    });
  }

  function items(docs, q) {
    return Promise.all([get("manifest.json"), get("t2s.json")]).then(function (r) {
      return Promise.all(docs.map(function (d) {
        return meta(r[0], d).then(function (m) { return item(d, m, q, r[1]); });
      }));
    });
  }

  /* {type: "search", id, search: a location.search} -> {id, q, docs, head, items, bytes}: the ranked
   * doc ids, those matching in a head field, and page 1 when no filter is set (with a filter the
   * page asks for its own page 1: {type: "items", id, q, docs} -> {id, items}). With a filter and no
   * query, every doc, newest first: the page keeps those the filter allows (all replies to a proposal). */
  function answer(msg) {
    if (msg.type === "items") {
      return items(msg.docs, msg.q).then(function (list) { return { id: msg.id, items: list }; });
    }
    var params = new URLSearchParams(msg.search), filtering = false;
    params.forEach(function (v, k) { if (k !== "q" && v) { filtering = true; } });
    bytes = 0;
    return Promise.all([get("manifest.json"), get("t2s.json")]).then(function (r) {
      var q = normalise(params.get("q") || "", r[1]);
      return run(r[0], q).then(function (res) {
        if (!q && filtering) { res = { docs: Array.from({ length: r[0].docs }, function (_, d) { return d; }), head: new Set() }; }
        return (filtering ? Promise.resolve([]) : items(res.docs.slice(0, PAGE), q)).then(function (list) {
          return { id: msg.id, q: q, docs: res.docs, head: Array.from(res.head), items: list, bytes: bytes };
        });
      });
    });
  }

  if (IN_WORKER) {
    self.onmessage = function (ev) {
      answer(ev.data).then(function (out) { self.postMessage(out); },
                           function (err) { self.postMessage({ id: ev.data.id, error: String(err && err.message || err) }); });
    };
    return;
  }

  /* ------------------------------------------------------------------ page */

  /* The page's side of the engine: numbered questions, answers matched by id; `askedAt` is when the
   * last question was asked. `boot` is what the search page's <head> started: {worker, box: answers
   * that came before this script, search, at}. */
  function Engine(boot) {
    var self = this;
    this.boot = boot && boot.worker ? boot : null;
    this.next = 1;
    this.waiting = new Map();
    this.early = new Map();
    try {
      this.worker = this.boot ? this.boot.worker : new Worker(HERE);
    } catch (err) {  // no Worker (or one refused): the same engine on the page
      this.worker = null;
      return;
    }
    this.worker.onmessage = function (ev) { self.receive(ev.data); };
    if (this.boot) { this.boot.box.splice(0).forEach(function (m) { self.receive(m); }); }
  }

  Engine.prototype.receive = function (m) {
    var w = this.waiting.get(m.id);
    if (!w) { this.early.set(m.id, m); return; }
    this.waiting.delete(m.id);
    if (m.error) { w.reject(new Error(m.error)); } else { w.resolve(m); }
  };

  Engine.prototype.ask = function (msg) {
    var self = this, id;
    this.askedAt = performance.now();
    if (!this.worker) { return answer(msg); }
    if (msg.type === "search" && this.boot && msg.search === this.boot.search) {
      id = 0;  // the search page's <head> asked this already, while the page was loading
      if (this.boot.at !== undefined) { this.askedAt = this.boot.at; }
      this.boot = null;
    } else {
      id = this.next++;
      msg.id = id;
      this.worker.postMessage(msg);
    }
    return new Promise(function (resolve, reject) {
      self.waiting.set(id, { resolve: resolve, reject: reject });
      if (self.early.has(id)) { var m = self.early.get(id); self.early.delete(id); self.receive(m); }
    });
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function App(root, engine) {
    this.root = root;
    this.engine = engine;
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
    this.form.addEventListener("submit", function (ev) {  // a new query keeps only the proposal it is searched within
      ev.preventDefault();
      self.filters = self.filters.proposal ? { proposal: self.filters.proposal } : {};
      self.go(true);
    });
    this.more.addEventListener("click", function () {
      self.root.setAttribute("data-state", "searching");
      self.showMore().then(function () { self.root.setAttribute("data-state", "done"); });
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

  /* facets.json as the page uses it: every facet, tuple facets then column facets, and `of(d, i)`, the
   * value ids doc d has in facet i (FORMAT.md). */
  function facetTable(raw) {
    var base = raw.facets.length, cols = raw.columns || [];
    return {
      facets: raw.facets.concat(cols),
      of: function (d, i) {
        if (i < base) { return raw.tuples[raw.docs[d]][i]; }
        var v = cols[i - base].docs.charCodeAt(d) - 48;
        return v >= 0 ? [v] : [];
      }
    };
  }

  /* A proposal answered by several agencies has its own small file: its label, page and doc ids
   * (FORMAT.md `p/`). null when there is none (a proposal answered once, or a mistyped id). */
  function proposalFile(id) {
    if (!/^[a-z0-9-]+$/.test(id)) { return Promise.resolve(null); }
    return get("p/" + id + ".json").catch(function () { return null; });
  }

  App.prototype.go = function (push) {
    var self = this;
    if (push) { history.pushState(null, "", this.url()); }
    this.root.setAttribute("data-state", "searching");
    var filtering = Object.keys(this.filters).some(function (k) { return self.filters[k]; });
    /* facets.json grows with the collection (≈ 110 KB gzip at 100,000 letters): fetched only when a filter is
     * set or the reader opens the filters (facetButton); once in, kept for the visit. */
    var facets = filtering || this.facets ? this.loadFacets() : null;
    var asked = this.engine.ask({ type: "search", search: location.search });
    var started = this.engine.askedAt;  // for a ?q= link, when <head> asked
    var proposal = this.filters.proposal ? proposalFile(this.filters.proposal) : null;
    return Promise.all([asked, filtering ? facets : null, proposal]).then(function (r) {
      var res = r[0];
      self.proposal = r[2] ? { id: self.filters.proposal, label: r[2].label, url: r[2].url, docs: new Set(r[2].docs) } : null;
      self.q = res.q;
      self.bytes = res.bytes;
      self.result = { docs: res.docs, head: new Set(res.head) };
      self.items = new Map(res.items.map(function (it) { return [it.d, it]; }));
      if (r[1]) { self.facets = r[1]; }
      return self.render(started, facets);
    }).catch(function (err) {
      self.status.textContent = "检索出错：" + err.message;
      self.root.setAttribute("data-state", "error");
    });
  };
  App.prototype.loadFacets = function () {
    if (!this.facetsLoading) {
      var self = this;
      this.facetsLoading = get("facets.json").then(facetTable).catch(function (err) {
        self.facetsLoading = null;  // a later attempt fetches it again
        throw err;
      });
    }
    return this.facetsLoading;
  };

  App.prototype.filtered = function () {
    var fx = this.facets, filters = this.filters, proposal = this.proposal;
    if (!fx) { return this.result.docs; } // no filter is set before the facets are in (go)
    if (filters.proposal && !proposal) { return []; }  // a proposal with no file: none of its replies can be told
    var active = fx.facets.map(function (f, i) {
      return filters[f.slug] ? { i: i, v: f.values.indexOf(filters[f.slug]) } : null;
    }).filter(Boolean);
    return this.result.docs.filter(function (d) {
      return (!proposal || proposal.docs.has(d)) && active.every(function (a) { return fx.of(d, a.i).indexOf(a.v) >= 0; });
    });
  };

  App.prototype.render = function (started, facets) {
    var self = this, docs = this.filtered();
    this.docs = docs;
    this.list.textContent = "";
    this.shown = 0;
    var raw = this.input.value.trim(), within = this.proposal ? "在建议提案" + this.proposal.label + "的答复中" : "";
    var filtering = Object.keys(this.filters).some(function (k) { return self.filters[k]; });
    if (this.filters.proposal && !this.proposal) {
      this.status.textContent = "本站没有这件建议提案的多件答复可供筛选；请从建议提案页查看它的答复。";
    } else if (!raw && filtering) {
      this.status.textContent = (within || "按所选条件") + "：共 " + docs.length + " 件答复。可输入字词在其中检索。";
    } else if (!raw) {
      this.status.textContent = "输入字词，检索全部答复的标题、文号、提出人和正文。";
    } else {
      this.status.textContent = "“" + raw + "”：" + within + "找到 " + docs.length + " 件答复" +
        (docs.length !== this.result.docs.length ? "（共 " + this.result.docs.length + " 件，已按条件筛选）" : "");
    }
    document.title = (raw ? raw + " - " : "") + "检索 - 答复公开";
    return this.showMore().then(function () {  // page 1 shown: titles, metadata and snippets
      /* first: from the query's start (Enter, or for a ?q= link the engine's start in <head>);
       * sinceNavigation: from the page request */
      window.dgSearchTiming = { first: performance.now() - started, sinceNavigation: performance.now(), bytes: self.bytes };
      return facets || self.facets || null;
    }).then(function (fx) {  // then the facets, counted over the results, if they are in
      if (fx) { self.facets = fx; self.renderFacets(); } else { self.facetButton(); }
      self.root.setAttribute("data-state", "done");
    });
  };

  /* Before the facets are fetched: one button that fetches them and shows the filters, counted over the results. */
  App.prototype.facetButton = function () {
    var self = this, box = this.facetBox;
    box.textContent = "";
    if (!this.result.docs.length) { return; }
    var open = el("button", "dg-open-facets", "按答复单位、地区、年份等筛选");
    open.type = "button";
    open.addEventListener("click", function () {
      open.disabled = true;
      self.root.setAttribute("data-state", "searching");
      self.loadFacets().then(function (fx) {
        self.facets = fx;
        self.renderFacets();
        self.root.setAttribute("data-state", "done");
        var first = box.querySelector("select");
        if (first) { first.focus(); }
      }).catch(function (err) {
        open.disabled = false;
        self.status.textContent = "筛选条件载入出错：" + err.message;
        self.root.setAttribute("data-state", "done");
      });
    });
    box.appendChild(open);
  };

  App.prototype.renderFacets = function () {
    var self = this, fx = this.facets, box = this.facetBox, all = this.result.docs;
    box.textContent = "";
    if (this.filters.proposal) { box.appendChild(this.proposalFilter()); }
    if (!all.length) { return; }
    fx.facets.forEach(function (f, i) {
      var counts = new Map();
      self.docs.forEach(function (d) {
        fx.of(d, i).forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
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

  /* The proposal filter: which proposal, a link to its page, and a button that lifts the filter. */
  App.prototype.proposalFilter = function () {
    var self = this, wrap = el("div", "dg-facet dg-facet-proposal");
    wrap.appendChild(el("span", "dg-facet-title", "建议提案"));
    var line = el("span");
    if (this.proposal) {
      var a = el("a", null, this.proposal.label);
      a.href = new URL(this.proposal.url, SITE).href;
      line.appendChild(a);
    } else {
      line.appendChild(document.createTextNode(this.filters.proposal));
    }
    var clear = el("button", "dg-clear", "取消此筛选");
    clear.type = "button";
    clear.addEventListener("click", function () {
      delete self.filters.proposal;
      self.go(true).then(function () { self.input.focus(); });
    });
    line.appendChild(clear);
    wrap.appendChild(line);
    return wrap;
  };

  /* The next page of results: page 1 came with the answer; later pages are asked for. */
  App.prototype.showMore = function () {
    var self = this, page = this.docs.slice(this.shown, this.shown + PAGE);
    this.shown += page.length;
    this.more.hidden = this.shown >= this.docs.length;
    var lis = page.map(function (d) { return self.list.appendChild(el("li", "dg-result")); });
    var missing = page.filter(function (d) { return !self.items.has(d); });
    var ready = missing.length ? this.engine.ask({ type: "items", q: this.q, docs: missing }) : Promise.resolve({ items: [] });
    return ready.then(function (r) {
      r.items.forEach(function (it) { self.items.set(it.d, it); });
      page.forEach(function (d, k) { self.renderItem(lis[k], self.items.get(d)); });
    });
  };

  App.prototype.renderItem = function (li, m) {
    var h = el("h3", "dg-title");
    var a = el("a", null, m.title);
    a.href = new URL(m.url, SITE).href;
    h.appendChild(a);
    li.appendChild(h);
    if (this.result.head.has(m.d)) { li.appendChild(el("span", "dg-badge", "标题或文号命中")); }
    var line = [m.agency, m.date, m.kind, m.category].filter(Boolean).join(" · ");
    li.appendChild(el("p", "dg-meta", line));
    this.renderProposal(li, m);
    if (m.page) { li.appendChild(el("p", "dg-part", "正文第" + m.page + "页（共" + m.pages + "页）")); }
    var s = m.snippet;
    if (!s) { return; }
    var p = el("p", "dg-snippet");
    p.appendChild(document.createTextNode(s.before));
    p.appendChild(el("mark", null, s.match));
    p.appendChild(document.createTextNode(s.after));
    li.appendChild(p);
  };

  /* The proposal a result answers (linked to its page), the reply's 办理方式, and, when several agencies
   * answered it, a link to all their replies: this search page filtered to the proposal. */
  App.prototype.renderProposal = function (li, m) {
    if (!m.proposal_title && !m.proposal) { return; }
    var p = el("p", "dg-proposal"), label = m.proposal_title ? "《" + m.proposal_title + "》" : "建议提案";
    if (m.proposal && m.proposal.url) {  // a proposal answered once has no page: its name is not a link
      var a = el("a", null, label);
      a.href = new URL(m.proposal.url, SITE).href;
      p.appendChild(a);
    } else {
      p.appendChild(document.createTextNode(label));
    }
    if (m.role) { p.appendChild(document.createTextNode(" ")); p.appendChild(el("span", "dg-role", m.role)); }
    if (m.proposal && m.proposal.replies > 1 && this.filters.proposal !== m.proposal.id) {
      p.appendChild(document.createTextNode(" · "));
      var all = el("a", "dg-same", "同一建议提案的全部 " + m.proposal.replies + " 件答复");
      all.href = new URL("search/?proposal=" + encodeURIComponent(m.proposal.id), SITE).href;
      p.appendChild(all);
    }
    li.appendChild(p);
  };

  /* The script comes after the search box: start at once, before the theme's scripts run. */
  function start() {
    var root = document.getElementById("dg-search");
    if (root) { new App(root, new Engine(window.dgSearchBoot)).fromUrl(); }
  }
  if (document.getElementById("dg-search")) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
