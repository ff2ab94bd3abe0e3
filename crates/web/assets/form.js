// vjt route form: optional help on top of a form that works without it.
// - keeps a draft on this device while typing, restores it after a reload or a lost connection,
//   and forgets it once the route is saved;
// - shows where each place name resolves while typing, with suggestions to pick from.
(function () {
  "use strict";

  // The page after a successful save names the draft to forget; signing out forgets them all
  // (drafts hold notes that the server has not screened yet).
  var done = document.body.getAttribute("data-clear-draft");
  if (done) {
    try {
      if (done === "all") {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var k = localStorage.key(i);
          if (k && k.indexOf("vjt-draft-") === 0) localStorage.removeItem(k);
        }
      } else {
        localStorage.removeItem(done);
      }
    } catch (e) { /* storage may be disabled */ }
  }

  // A form sent back with problems: the summary at the top takes the focus, so that a screen
  // reader reads it and nobody is left looking at green ticks while the errors sit below.
  var problems = document.getElementById("problems");
  if (problems) problems.focus();

  var form = document.getElementById("route-form");
  if (!form) return;
  var key = form.getAttribute("data-draft");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf" && el.name !== "action";
    });
  }

  function snapshot() {
    var draft = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") {
        if (el.checked) (draft[el.name] = draft[el.name] || []).push(el.value);
      } else if (el.value) {
        draft[el.name] = el.value;
      }
    });
    return draft;
  }

  function isBlank() {
    return fields().every(function (el) {
      return el.type === "checkbox" ? !el.checked : el.tagName === "SELECT" || !el.value;
    });
  }

  function restore(draft) {
    fields().forEach(function (el) {
      var v = draft[el.name];
      if (v === undefined) return;
      if (el.type === "checkbox") el.checked = v.indexOf(el.value) >= 0;
      else el.value = v;
    });
  }

  function save() {
    try {
      var d = snapshot();
      d.savedAt = new Date().toISOString();
      localStorage.setItem(key, JSON.stringify(d));
    } catch (e) { /* full or disabled storage: the form still works */ }
  }

  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  // Only into an empty form: a form the server sent back with an error already holds what was typed.
  if (stored && isBlank()) {
    restore(stored);
    var note = document.getElementById("draft-note");
    if (note) {
      note.hidden = false;
      var discard = document.getElementById("draft-discard");
      if (discard) {
        discard.addEventListener("click", function () {
          try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
          window.location.reload();
        });
      }
    }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);

  // Live place resolution.
  // The page's own words, in its language (the server puts them on the form).
  function say(name, fill) {
    var text = form.getAttribute("data-say-" + name) || "";
    Object.keys(fill || {}).forEach(function (k) { text = text.split("{$" + k + "}").join(fill[k]); });
    return text;
  }

  // The server describes each place in the page's language.
  function describe(place) {
    return place.description || place.name;
  }
  var lang = document.documentElement.getAttribute("lang") || "en";

  function resolveInto(text, out, list) {
    if (!text.trim()) { out.textContent = ""; return; }
    fetch("/api/v1/places/resolve?lang=" + lang + "&q=" + encodeURIComponent(text), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) {
        if (!a) return;
        if (a.status === "resolved" && a.place && (a.how === "fuzzy" || a.place.kind === "world_region")) {
          // A guess through a misspelling, or a whole world region: for the person to confirm.
          out.className = "error live";
          out.textContent = say("check", { place: describe(a.place) });
        } else if (a.status === "resolved" && a.place) {
          out.className = "ok live";
          out.textContent = " → " + describe(a.place);
        } else {
          out.className = "error live";
          var names = a.alternatives.map(function (x) { return describe(x.place); });
          out.textContent = names.length
            ? say("suggest", { names: names.join("; ") })
            : say("unknown");
        }
        if (list) {
          list.textContent = "";
          (a.place ? [{ place: a.place }] : []).concat(a.alternatives).forEach(function (x) {
            var o = document.createElement("option");
            o.value = x.place.name;
            list.appendChild(o);
          });
        }
      })
      .catch(function () { /* offline: the server checks the places when the route is saved */ });
  }

  function live(el, textOf) {
    // After "Check places" the server's own notes follow the field: keep them until the user
    // types again, rather than showing the same answer twice.
    var server = el.nextElementSibling;
    if (!(server && server.classList.contains("place-note"))) server = null;
    var out = document.createElement("span");
    out.className = "live";
    out.setAttribute("aria-live", "polite");
    el.insertAdjacentElement("afterend", out);
    var list = null;
    if (el.tagName === "INPUT") {
      list = document.createElement("datalist");
      list.id = el.id + "-suggestions";
      el.setAttribute("list", list.id);
      el.setAttribute("autocomplete", "off");
      out.insertAdjacentElement("afterend", list);
    }
    var timer = null;
    el.addEventListener("input", function () {
      if (server) { server.remove(); server = null; }
      clearTimeout(timer);
      timer = setTimeout(function () { resolveInto(textOf(el), out, list); }, 300);
    });
    if (!server && textOf(el)) resolveInto(textOf(el), out, list);
  }

  ["origin", "intended_destination", "exploitation_place"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) live(el, function (e) { return e.value; });
  });
  var transit = document.getElementById("transit");
  if (transit) {
    // The line the cursor is on: the transit point being typed.
    live(transit, function (e) {
      var before = e.value.slice(0, e.selectionStart || e.value.length);
      var start = before.lastIndexOf("\n") + 1;
      var end = e.value.indexOf("\n", start);
      return e.value.slice(start, end < 0 ? e.value.length : end);
    });
  }
})();
