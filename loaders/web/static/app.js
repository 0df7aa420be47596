// Keyboard review: j/k move between candidates, a/d/x decide the current one
// (then the cursor moves to the next undecided pair), u undoes the last
// decision made here, n/p turn the page, / goes to the search box, ? lists the keys.
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
    if (wanted && wanted.classList.contains("pair") && wanted.classList.contains("decided")) {
      // just decided: the review goes on at the next pair still undecided
      var after = all.slice(all.indexOf(wanted) + 1).concat(all.slice(0, all.indexOf(wanted)));
      wanted = after.filter(function (el) { return !el.classList.contains("decided"); })[0] || wanted;
    }
    if (all.length) { select(wanted && wanted.classList.contains("pair") ? wanted : all[0]); }
    all.forEach(function (el) { el.addEventListener("click", function () { select(el); }); });
  });
  function follow(rel) {
    var link = document.querySelector('.pages a[rel="' + rel + '"]');
    if (link) { link.click(); }
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var keys = document.getElementById("keys");
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (keys && keys.open) {
      if (event.key === "?" || event.key === "Escape") { keys.close(); event.preventDefault(); }
      return;
    }
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
      case "n": follow("next"); break;
      case "p": follow("prev"); break;
      case "?": if (keys) { keys.showModal(); } break;
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
