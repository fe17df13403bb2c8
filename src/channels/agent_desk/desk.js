// The agent desk's live updates: when a buyer on this page changes, the
// page's #live region is fetched again (?part=live) and swapped in. Forms
// sit outside it, so a half-written reply survives. A new waiting buyer
// puts a count in the tab's title and plays a short tone.
(function () {
  "use strict";
  var live = document.getElementById("live");
  wireCanned();
  if (!live) return;
  var buyer = live.getAttribute("data-buyer");
  var waiting = count();
  var busy = false;
  var again = false;
  var title = document.title;
  var audio = null;
  scrollTranscript();

  function count() {
    var inner = live.querySelector("[data-waiting]");
    return inner ? Number(inner.getAttribute("data-waiting")) : 0;
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var url = new URL(window.location.href);
    url.searchParams.set("part", "live");
    fetch(url.toString(), { credentials: "same-origin" })
      .then(function (r) {
        if (r.redirected) { window.location.href = "/desk/signin"; return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html === null) return;
        live.innerHTML = html; // rendered by the server, every value escaped
        scrollTranscript();
        var now = count();
        if (now > waiting) announce(now);
        if (now === 0) document.title = title;
        waiting = now;
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  function announce(n) {
    document.title = "(" + n + ") " + title;
    live.classList.add("new");
    setTimeout(function () { live.classList.remove("new"); }, 1500);
    try {
      // One context for the page: browsers cap how many a page may open.
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator();
      tone.frequency.value = 880;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.15);
    } catch (e) { /* no sound before the agent has clicked: the title says it */ }
  }

  function scrollTranscript() {
    var t = live.querySelector(".transcript ol");
    if (t) t.scrollTop = t.scrollHeight;
  }

  function wireCanned() {
    var selects = document.querySelectorAll("select[data-canned]");
    Array.prototype.forEach.call(selects, function (select) {
      select.addEventListener("change", function () {
        var box = document.getElementById(select.getAttribute("data-canned"));
        if (box && select.value) { box.value = select.value; box.focus(); }
        select.selectedIndex = 0;
      });
    });
  }

  var events = new EventSource("/desk/events");
  events.addEventListener("change", function (e) {
    if (!buyer || e.data === buyer || e.data === "*") refresh();
  });
})();
