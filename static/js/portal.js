// Small behaviours shared by every page (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-autosubmit") && el.form) {
      // Come back to the page as it is now (htmx may have changed its query since it loaded).
      var next = el.form.querySelector("input[name=next]");
      if (next) {
        next.value = window.location.pathname + window.location.search;
      }
      el.form.submit();
    }
  });
  // htmx sends the CSRF token with every non-GET request.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });
})();

// Show the parts of a form that belong to the chosen radio button:
// <div data-show-when="target_kind=enterprise"> is visible while that radio is checked.
(function () {
  "use strict";
  function refresh() {
    document.querySelectorAll("[data-show-when]").forEach(function (el) {
      var parts = el.getAttribute("data-show-when").split("=");
      var checked = document.querySelector("input[name='" + parts[0] + "']:checked");
      el.hidden = !checked || checked.value !== parts[1];
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("js-toggle")) {
      refresh();
    }
  });
  document.addEventListener("DOMContentLoaded", refresh);
  // A list of standard reasons fills the note of its form (the note stays editable).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-fill-note") && el.form && el.value) {
      var note = el.form.querySelector("textarea[name=note]");
      if (note) {
        note.value = el.value;
      }
    }
  });
  // Enter in a search-as-you-type box searches at once instead of submitting the whole form.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el.hasAttribute && el.hasAttribute("data-enter-searches")) {
      event.preventDefault();
      if (window.htmx) {
        window.htmx.trigger(el, "search");
      }
    }
  });
  refresh();
})();

// Keyboard access to scrolling boxes (WCAG 2.1.1): a wide table on a phone or the coverage
// table's fixed height scrolls inside its box, which a keyboard can only scroll once it has the
// focus. While its content overflows, every such box is a focusable region named after its
// table's caption or the heading above it; when it no longer overflows it is left alone.
// One place for every page and every htmx swap, so that no template has to remember it.
(function () {
  "use strict";
  var BOXES = ".table-responsive, .overflow-auto, .overflow-x-auto, .overflow-y-auto, .overflow-scroll";
  var HEADINGS = "h1, h2, h3, h4, h5, h6, legend, caption";

  function overflows(box) {
    return box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
  }
  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
  }
  function nameOf(box) {
    var table = box.querySelector("table");
    if (table) {
      var own = table.getAttribute("aria-label") || text(table.caption);
      if (own) {
        return own;
      }
    }
    // The nearest heading before the box: among its earlier siblings, then its ancestors'.
    for (var node = box; node && node !== document.body; node = node.parentElement) {
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (sibling.matches(HEADINGS)) {
          return text(sibling);
        }
        var inner = sibling.querySelectorAll(HEADINGS);
        if (inner.length) {
          return text(inner[inner.length - 1]);
        }
      }
    }
    return text(document.querySelector("main h1"));
  }
  function mark(box) {
    if (box.tagName !== "DIV") {
      return; // a scrolling list (the board's quick views) keeps its role; its links take the focus
    }
    var managed = box.hasAttribute("data-scroll-region");
    if (managed && box.getAttribute("data-scroll-region") === "fixed") {
      return; // a template made this box a region itself
    }
    if (overflows(box)) {
      if (!managed) {
        if (box.hasAttribute("tabindex")) {
          box.setAttribute("data-scroll-region", "fixed");
          return;
        }
        box.setAttribute("data-scroll-region", "");
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) {
          box.setAttribute("role", "region");
          box.setAttribute("data-scroll-role", "");
        }
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          var name = nameOf(box);
          if (name) {
            box.setAttribute("aria-label", name);
            box.setAttribute("data-scroll-label", "");
          }
        }
      }
    } else if (managed) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-region");
      if (box.hasAttribute("data-scroll-role")) {
        box.removeAttribute("role");
        box.removeAttribute("data-scroll-role");
      }
      if (box.hasAttribute("data-scroll-label")) {
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scroll-label");
      }
    }
  }
  function refresh(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches(BOXES)) {
      mark(scope);
    }
    scope.querySelectorAll(BOXES).forEach(mark);
  }
  var pending = null;
  function later() {
    if (pending === null) {
      pending = window.requestAnimationFrame(function () {
        pending = null;
        refresh(document);
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { refresh(document); });
  } else {
    refresh(document);
  }
  window.addEventListener("load", later);
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", function (event) { refresh(event.target); });
  document.addEventListener("shown.bs.collapse", later);
})();

// The menu marks the page the user is on (aria-current), so that it is not told by colour alone.
(function () {
  "use strict";
  var path = window.location.pathname;
  var best = null;
  document.querySelectorAll("#mainnav a.nav-link[href^='/']").forEach(function (link) {
    var href = link.getAttribute("href");
    var here = href === "/" ? path === "/" : path.indexOf(href) === 0;
    if (here && (!best || href.length > best.getAttribute("href").length)) {
      best = link;
    }
  });
  if (best) {
    best.setAttribute("aria-current", "page");
    best.classList.add("active");
  }
})();
