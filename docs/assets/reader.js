/* 答复公开 reader tools, progressive enhancement only: every page works without this file.
 * 1. 长者模式: a header switch for large text and high contrast, remembered in localStorage
 *    (overrides/partials/reader-head.html applies it before the page paints).
 * 2. Sortable tables: <table data-sortable>; each <th data-sort-type="text|number|date"> becomes a
 *    button; a cell sorts by its data-sort-value, else its <time datetime>, else the link it starts
 *    with, else its text. The build's order is the default.
 * 3. The print footer's permalink is made absolute.
 * 4. A table that scrolls sideways inside its wrapper becomes a focusable, labelled region.
 * 5. The menu button on phones is reachable by keyboard; the closed drawer takes no focus.
 * 6. Pages outside the navigation (browse values) still show which tab they belong to.
 */
(function () {
  "use strict";
  var KEY = "dafu-gongkai.reader-mode";
  var root = document.documentElement;

  function saved() {
    try { return localStorage.getItem(KEY) === "large"; } catch (e) { return false; }
  }

  function save(large) {
    try {
      if (large) { localStorage.setItem(KEY, "large"); } else { localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: the switch still works on this page */ }
  }

  function readerSwitch() {
    var header = document.querySelector(".md-header__inner");
    if (!header || document.getElementById("reader-mode")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.id = "reader-mode";
    button.className = "md-header__button reader-mode";
    button.title = "大字号、高对比度显示（长者模式）";
    button.innerHTML = '<span class="reader-mode-icon" aria-hidden="true">大</span><span class="reader-mode-text">长者模式</span>';
    function show() {
      var on = root.classList.contains("reader-large");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var on = !root.classList.contains("reader-large");
      root.classList.toggle("reader-large", on);
      save(on);
      show();
      scrollableTables();
    });
    root.classList.toggle("reader-large", saved());
    show();
    var title = header.querySelector(".md-header__title");
    header.insertBefore(button, title ? title.nextSibling : null);
  }

  /* data-sort-value, else <time datetime>, else the link the cell starts with, else its text. */
  function sortText(cell) {
    if (cell.hasAttribute("data-sort-value")) { return cell.getAttribute("data-sort-value"); }
    var time = cell.querySelector("time[datetime]");
    if (time) { return time.getAttribute("datetime"); }
    var lead = cell.firstElementChild;
    return (lead && lead.tagName === "A" ? lead.textContent : cell.textContent).trim();
  }

  function cellValue(row, index, type) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var raw = sortText(cell);
    return type === "number" ? parseFloat(raw) || 0 : raw;
  }

  function sortTable(table, index, type, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) { return { row: row, i: i }; });
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = cellValue(a.row, index, type), y = cellValue(b.row, index, type);
      var c = type === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return c !== 0 ? sign * c : a.i - b.i;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }

  function sortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    table.parentNode.insertBefore(status, table.nextSibling);
    Array.prototype.forEach.call(headers, function (th, index) {
      var type = th.getAttribute("data-sort-type");
      if (!type) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.innerHTML = th.innerHTML + '<span class="sort-arrow" aria-hidden="true"></span>';
      button.setAttribute("aria-label", "按" + th.textContent.trim() + "排序");
      th.innerHTML = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var next = current === "descending" ? "ascending"
          : current === "ascending" ? "descending"
          : (type === "text" ? "ascending" : "descending");
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", next);
        sortTable(table, index, type, next);
        status.textContent = "已按" + th.textContent.trim() + (next === "ascending" ? "升序" : "降序") + "排列";
      });
    });
  }

  /* A table wider than the page scrolls inside its wrapper: keyboard users need to reach it (WCAG 2.1.1). */
  function scrollableTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".reply-table-wrap"), function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (caption ? caption.textContent.trim() : "表格") + "（可左右滚动）");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  /* Material's menu button is a <label> the keyboard cannot reach, and its closed off-canvas drawer
   * still takes focus (invisible focus). Put a real button in the label's place and make the closed
   * drawer inert. */
  function drawer() {
    var toggle = document.getElementById("__drawer");
    var label = document.querySelector('.md-header label[for="__drawer"]');
    var sidebar = document.querySelector(".md-sidebar--primary");
    if (!toggle || !label || !sidebar) { return; }
    var narrow = window.matchMedia("(max-width: 76.234375em)");
    var button = document.createElement("button");
    button.type = "button";
    button.id = "reader-menu";
    button.className = label.className + " reader-menu";
    button.innerHTML = label.innerHTML;
    button.setAttribute("aria-label", "导航菜单");
    button.setAttribute("aria-controls", "reader-drawer");
    sidebar.id = sidebar.id || "reader-drawer";
    label.parentNode.insertBefore(button, label);
    label.hidden = true;
    function update() {
      var offCanvas = narrow.matches && !toggle.checked;
      button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
      if (offCanvas) { sidebar.setAttribute("inert", ""); } else { sidebar.removeAttribute("inert"); }
    }
    function set(open) {
      toggle.checked = open;
      toggle.dispatchEvent(new Event("change", { bubbles: true }));
      update();
    }
    button.addEventListener("click", function () {
      set(!toggle.checked);
      var first = toggle.checked && sidebar.querySelector("a[href]");
      if (first) { first.focus(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) {
        set(false);
        button.focus();
      }
    });
    toggle.addEventListener("change", update);
    if (narrow.addEventListener) { narrow.addEventListener("change", update); }
    update();
  }

  /* Browse pages are not in the navigation, so Material marks no tab: mark the section's tab. */
  function activeTab() {
    if (document.querySelector(".md-tabs__item--active")) { return; }
    var best = null, bestLength = 0;
    var root = new URL(document.querySelector(".md-header__button.md-logo").href).pathname;
    Array.prototype.forEach.call(document.querySelectorAll(".md-tabs__link"), function (link) {
      var path = new URL(link.href).pathname;
      if (path !== root && location.pathname.indexOf(path) === 0 && path.length > bestLength) {
        best = link;
        bestLength = path.length;
      }
    });
    if (best) { best.parentNode.classList.add("md-tabs__item--active"); }
  }

  function permalinks() {
    Array.prototype.forEach.call(document.querySelectorAll(".permalink-text"), function (el) {
      el.textContent = location.origin + location.pathname;
    });
  }

  function init() {
    readerSwitch();
    drawer();
    try { activeTab(); } catch (e) { /* no tabs on this page */ }
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), sortable);
    permalinks();
    scrollableTables();
    window.addEventListener("resize", scrollableTables);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
