// Keyboard review: j/k move between candidates, a/d/x decide the current one,
// u undoes the last decision made here, / goes to the search box.
(function () {
  "use strict";
  function pairs() { return Array.prototype.slice.call(document.querySelectorAll("article.pair")); }
  function current() { return document.querySelector("article.pair.current"); }
  function select(el) {
    var old = current();
    if (old) { old.classList.remove("current"); }
    if (!el) { return; }
    el.classList.add("current");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
    try { sessionStorage.setItem("cppa-current", el.id); } catch (e) { /* private mode */ }
  }
  function move(step) {
    var all = pairs();
    if (!all.length) { return; }
    var i = all.indexOf(current());
    select(all[Math.min(Math.max(i + step, 0), all.length - 1)] || all[0]);
  }
  function press(key) {
    var el = current();
    if (!el) { return; }
    var button = el.querySelector('button[data-key="' + key + '"]');
    if (button) { button.click(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var all = pairs();
    var wanted = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (!wanted) {
      try { wanted = document.getElementById(sessionStorage.getItem("cppa-current") || ""); } catch (e) { wanted = null; }
    }
    if (all.length) { select(wanted && wanted.classList.contains("pair") ? wanted : all[0]); }
    all.forEach(function (el) { el.addEventListener("click", function () { select(el); }); });
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) {
      if (event.key === "Escape") { target.blur(); }
      return;
    }
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": case "d": case "x": press(event.key); break;
      case "u": {
        var undo = document.querySelector("#undo button");
        if (undo && !undo.disabled) { undo.click(); }
        break;
      }
      case "/": {
        var q = document.getElementById("q");
        if (q) { q.focus(); }
        break;
      }
      default: return;
    }
    event.preventDefault();
  });
})();
