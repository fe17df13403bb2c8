// The chat page's script: lines come over Server-Sent Events (with their
// sequence numbers), messages and taps go by POST. Text is only ever set
// with textContent: a buyer's or the bot's words are never HTML.
(function () {
  "use strict";
  var root = document.getElementById("paynudge");
  var texts = JSON.parse(root.getAttribute("data-texts"));
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var form = document.getElementById("form");
  var input = document.getElementById("text");
  document.getElementById("send").textContent = texts.send;
  input.placeholder = texts.placeholder;

  var lastSeq = 0;
  var source = null;
  var delay = 1000;

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function render(line) {
    if (line.seq <= lastSeq) return; // seen before a reconnect
    lastSeq = line.seq;
    // Only the newest question's buttons can be answered.
    var old = log.querySelectorAll(".options");
    for (var i = 0; i < old.length; i++) old[i].remove();
    var div = document.createElement("div");
    div.className = "line " + line.from;
    div.textContent = line.text;
    log.appendChild(div);
    if (line.options && line.options.length) {
      var row = document.createElement("div");
      row.className = "options";
      line.options.forEach(function (option) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = option[1];
        button.addEventListener("click", function () {
          send({ tap: [line.question, option[0]] });
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
    source = new EventSource("/chat/events?after=" + lastSeq);
    source.onopen = function () {
      delay = 1000;
      say("");
    };
    source.onmessage = function (event) {
      render(JSON.parse(event.data));
    };
    source.onerror = function () {
      say(texts.reconnecting);
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      }
    };
  }

  function send(body) {
    say(texts.typing);
    fetch("/chat/send", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Paynudge": "1" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) {
        say("");
        return;
      }
      return response.json().then(function (answer) {
        say(answer.error || texts.failed);
      });
    }).catch(function () {
      say(texts.failed);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text });
  });

  connect();
})();
