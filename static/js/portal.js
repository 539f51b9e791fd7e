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
