// Live pages: the server sends "changed" over Server-Sent Events when
// tickets change. A queue page fetches itself again and swaps its main
// content, unless the user is typing in it; a ticket page says it changed.
(function () {
  "use strict";
  var marker = document.querySelector("[data-live]");
  if (!marker || !window.EventSource) {
    return;
  }
  var kind = marker.getAttribute("data-live");
  var busy = false;
  function typing() {
    var el = document.activeElement;
    return el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type !== "submit"));
  }
  function refresh() {
    if (busy || typing()) {
      return;
    }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        if (fresh) {
          document.querySelector("main").replaceWith(fresh);
        }
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  var source = new EventSource("/events");
  source.addEventListener("changed", function () {
    if (kind === "queue") {
      refresh();
      return;
    }
    var note = document.querySelector("[data-live]");
    if (note) {
      note.textContent = "This ticket has changed. Reload the page to see it.";
    }
  });
})();
