// The one-line embed: <script src="https://bot.shop.example/widget.js" async
// data-lang="zh" data-order="..." data-buyer="..." data-buyer-hash="...">.
// It draws a launcher button in a shadow root (the shop's CSS cannot reach
// in, ours cannot leak out) and, on the first tap, the chat itself in an
// iframe from the bot's own origin: the page's scripts cannot read the
// conversation (the iframe is the boundary, so the root can stay open for
// tools and tests), and the chat keeps its own strict CSP.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__paynudgeWidget) return;
  window.__paynudgeWidget = true;
  var origin = new URL(script.src, document.baseURI).origin;
  var all = __TEXTS__;
  var lang = script.getAttribute("data-lang") || (navigator.language || "").slice(0, 2).toLowerCase();
  if (!all[lang]) lang = "__DEFAULT_LANG__";
  var t = all[lang];
  var query = ["embed=1", "lang=" + lang];
  [["data-order", "order"], ["data-buyer", "buyer"], ["data-buyer-hash", "buyer_hash"]].forEach(function (pair) {
    var value = script.getAttribute(pair[0]);
    if (value) query.push(pair[1] + "=" + encodeURIComponent(value));
  });

  // An element of our own name, so the shop's rules for `div` or `button`
  // never match it; the few properties that could hide or move the widget
  // are pinned inline, which outranks any stylesheet.
  var host = document.createElement("paynudge-widget");
  host.setAttribute("data-paynudge", "");
  [["display", "block"], ["visibility", "visible"], ["opacity", "1"], ["transform", "none"],
   ["filter", "none"], ["contain", "none"]].forEach(function (pin) {
    host.style.setProperty(pin[0], pin[1], "important");
  });
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" +
    ":host { all: initial; }" +
    ".launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 600 16px/1.2 system-ui, sans-serif;" +
    " padding: 12px 18px; border: 0; border-radius: 24px; background: #2f80ed; color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }" +
    ".panel { position: fixed; right: 20px; bottom: 20px; z-index: 2147483001; width: 380px; height: min(640px, calc(100vh - 40px));" +
    " display: flex; flex-direction: column; background: #fff; border-radius: 12px; overflow: hidden; box-shadow: 0 8px 30px rgba(0,0,0,.3); }" +
    ".panel[hidden], .launcher[hidden] { display: none; }" +
    ".bar { display: flex; align-items: center; justify-content: space-between; padding: 10px 14px; background: #2f80ed; color: #fff; font: 600 16px/1.2 system-ui, sans-serif; }" +
    ".close { font: 24px/1 system-ui, sans-serif; padding: 2px 8px; border: 0; border-radius: 6px; background: transparent; color: #fff; cursor: pointer; }" +
    "button:focus-visible { outline: 3px solid #f2994a; outline-offset: 2px; }" +
    "iframe { flex: 1; width: 100%; border: 0; }" +
    "@media (max-width: 600px) { .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; } }" +
    "</style>" +
    "<button class='launcher' type='button' aria-haspopup='dialog' aria-expanded='false'></button>" +
    "<div class='panel' role='dialog' hidden><div class='bar'><span class='title'></span>" +
    "<button class='close' type='button'>\u00d7</button></div></div>";
  var launcher = root.querySelector(".launcher");
  var panel = root.querySelector(".panel");
  var close = root.querySelector(".close");
  launcher.textContent = t.open;
  root.querySelector(".title").textContent = t.title;
  panel.setAttribute("aria-label", t.title);
  close.setAttribute("aria-label", t.close);
  close.title = t.close;
  var frame = null;

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = t.title;
      frame.src = origin + "/chat?" + query.join("&");
      panel.appendChild(frame);
    }
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function shut() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") shut();
  });
  // Escape pressed inside the chat's iframe.
  window.addEventListener("message", function (event) {
    if (event.origin === origin && event.data === "paynudge:close" && !panel.hidden) shut();
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
