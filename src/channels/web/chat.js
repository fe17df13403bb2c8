// The chat page's script: lines come over Server-Sent Events (with their
// sequence numbers), messages, taps and screenshots go by POST. Text is only
// ever set with textContent: a buyer's, the bot's or an agent's words are
// never HTML.
(function () {
  "use strict";
  var root = document.getElementById("paynudge");
  var texts = JSON.parse(root.getAttribute("data-texts"));
  var lang = root.getAttribute("data-lang");
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var form = document.getElementById("form");
  var input = document.getElementById("text");
  var file = document.getElementById("file");
  var attach = document.getElementById("attach");
  document.getElementById("send").textContent = texts.send;
  input.placeholder = texts.placeholder;
  input.setAttribute("aria-label", texts.placeholder);
  attach.setAttribute("aria-label", texts.attach);
  attach.title = texts.attach;

  // Who we are. Inside a widget on the shop's own site the browser keeps
  // our cookie from us, so an anonymous visitor's token lives in
  // localStorage; a buyer the shop named gets theirs from the page each time.
  var STORED = "pn_token";
  var pageToken = root.getAttribute("data-token");
  var anonymous = root.getAttribute("data-anonymous") === "true";
  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  var token = (anonymous && stored(STORED)) || pageToken;
  if (anonymous) store(STORED, token);

  var lastSeq = 0;
  var source = null;
  var delay = 1000;
  var pending = 0;

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function bubble(kind, text) {
    var div = document.createElement("div");
    div.className = "line " + kind;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function render(line) {
    if (line.seq <= lastSeq) return; // seen before a reconnect
    lastSeq = line.seq;
    // Only the newest question's buttons can be answered.
    var old = log.querySelectorAll(".options");
    for (var i = 0; i < old.length; i++) old[i].remove();
    bubble(line.from, line.text);
    if (line.options && line.options.length) {
      var row = document.createElement("div");
      row.className = "options";
      line.options.forEach(function (option) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = option[1];
        button.addEventListener("click", function () {
          send({ tap: [line.question, option[0]] });
          input.focus();
        });
        row.appendChild(button);
      });
      log.appendChild(row);
    }
    log.scrollTop = log.scrollHeight;
  }

  // EventSource reconnects by itself and sends Last-Event-ID; when it gives
  // up (the server was down), we start again with backoff and say so.
  function connect() {
    source = new EventSource("/chat/events?after=" + lastSeq + "&v=" + encodeURIComponent(token));
    source.onopen = function () {
      delay = 1000;
      if (!pending) say("");
    };
    source.onmessage = function (event) {
      render(JSON.parse(event.data));
    };
    // A stored token the server no longer knows (its secret changed).
    source.addEventListener("token-invalid", function () {
      source.close();
      token = pageToken;
      if (anonymous) store(STORED, token);
      connect();
    });
    source.onerror = function () {
      say(texts.reconnecting);
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      }
    };
  }

  // The typing indicator shows while a turn runs.
  function post(path, body, type) {
    pending++;
    say(texts.typing);
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": type, "X-Paynudge": token, "X-Paynudge-Lang": lang },
      body: body
    }).then(function (response) {
      pending--;
      if (response.ok) {
        say("");
        return true;
      }
      if (response.status === 413) {
        say(path === "/chat/upload" ? texts.imageTooBig : texts.failed);
        return false;
      }
      return response.json().then(function (answer) {
        say(answer.error || texts.failed);
        return false;
      }, function () {
        say(texts.failed);
        return false;
      });
    }).catch(function () {
      pending--;
      say(texts.failed);
      return false;
    });
  }

  function send(body) {
    body.lang = lang;
    return post("/chat/send", JSON.stringify(body), "application/json");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text });
  });

  attach.addEventListener("click", function () { file.click(); });
  file.addEventListener("change", function () {
    var picture = file.files && file.files[0];
    file.value = "";
    if (!picture) return;
    if (!/^image\/(png|jpeg|webp|gif)$/.test(picture.type)) return say(texts.imageType);
    if (picture.size > 5 * 1024 * 1024) return say(texts.imageTooBig);
    post("/chat/upload", picture, picture.type);
  });

  // Inside the widget, opened by a tap or a key: the cursor waits in the
  // box. Escape closes the widget (the shop's page hears nothing else
  // from us).
  if (root.classList.contains("embed")) {
    input.focus();
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") window.parent.postMessage("paynudge:close", "*");
    });
  }

  var notice = root.getAttribute("data-notice");
  if (notice) bubble("notice", notice);
  connect();
  // The order link the page came with binds once, not at every reload.
  var order = root.getAttribute("data-order");
  if (order && stored("pn_order:" + token) !== order) {
    send({ start: order }).then(function (ok) {
      if (ok) store("pn_order:" + token, order);
    });
  }
})();
