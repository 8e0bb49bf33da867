/* 答复公开: citations. Fills the access date with today's date and copies a citation on click
   (or, with data-copy-code, a block of code exactly as shown: the data page's recipes).
   Without JavaScript the access date shows the data date the page was built from. */
(function () {
  "use strict";
  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text, done); });
    } else {
      fallback(text, done);
    }
  }
  function fallback(text, done) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); done(); } catch (e) { /* leave the text selectable */ }
    document.body.removeChild(area);
  }
  function init() {
    var date = today();
    document.querySelectorAll("[data-access-date]").forEach(function (el) { el.textContent = date; });
    document.querySelectorAll("[data-access-note]").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (!target) { return; }
        var code = button.hasAttribute("data-copy-code") ? target.querySelector("code") : null;
        var text = code ? code.textContent : target.textContent.replace(/\s+/g, " ").trim();
        copyText(text, function () {
          var label = button.textContent;
          button.textContent = "已复制";
          button.setAttribute("data-copied", "");
          setTimeout(function () { button.textContent = label; button.removeAttribute("data-copied"); }, 2000);
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
