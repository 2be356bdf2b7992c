/* @mention autocomplete for community posts, comments and chat lines.
 *
 * A form inside an element with data-mentions="<API URL>" gets suggestions under each of its
 * text boxes while someone types "@" and the start of a member's name. Up and down choose,
 * Enter or Tab (or a click) writes "@<public code> ", which the post shows as the member's
 * name; Escape closes the list. Without JavaScript, mentions are typed by hand as before.
 */
(function () {
  "use strict";
  var TOKEN = /(^|[^\w@./])@([^\s@]{0,63})$/;
  var counter = 0;

  function attach(box, url) {
    var list = document.createElement("ul");
    var id = "mention-list-" + (++counter);
    var items = [];
    var active = -1;
    var pending = null;
    list.id = id;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", box.closest("[data-mentions]").dataset.mentionsLabel || "Members");
    list.hidden = true;
    box.insertAdjacentElement("afterend", list);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", id);
    box.setAttribute("aria-expanded", "false");

    function typed() {
      var before = box.value.slice(0, box.selectionStart);
      var match = TOKEN.exec(before);
      return match ? { query: match[2], start: before.length - match[2].length - 1 } : null;
    }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      items = [];
      active = -1;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      items.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) box.setAttribute("aria-activedescendant", items[index].id);
    }

    function choose(index) {
      var at = typed();
      if (!at || index < 0) return close();
      var handle = "@" + items[index].dataset.handle + " ";
      var end = box.selectionStart;
      box.value = box.value.slice(0, at.start) + handle + box.value.slice(end);
      var caret = at.start + handle.length;
      box.setSelectionRange(caret, caret);
      close();
      box.focus();
    }

    function show(people) {
      close();
      people.forEach(function (person, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.handle = person.handle;
        li.textContent = person.name;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(li);
        items.push(li);
      });
      if (items.length) {
        list.hidden = false;
        box.setAttribute("aria-expanded", "true");
        highlight(0);
      }
    }

    box.addEventListener("input", function () {
      var at = typed();
      if (pending) pending.abort();
      if (!at || at.query.length < 1) return close();
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(at.query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: pending.signal,
      })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (page) { show(page.items || []); })
        .catch(function () {});
    });

    box.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + items.length) % items.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function init(root) {
    root.querySelectorAll("[data-mentions]").forEach(function (scope) {
      scope.querySelectorAll("textarea, input[name=body]").forEach(function (box) {
        if (box.dataset.mentionsReady) return;
        box.dataset.mentionsReady = "1";
        attach(box, scope.dataset.mentions);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
