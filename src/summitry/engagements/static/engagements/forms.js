// Record and search forms, enhanced when scripts run; every part works without them.
// The words shown come from the page (data-* attributes), already translated by the server.
(function () {
  "use strict";

  // A failed submit: move focus to the error summary so that it is read out first.
  function focusErrors() {
    var summary = document.getElementById("errors");
    if (!summary) {
      return;
    }
    summary.focus();
    // A link to an enhanced <select> lands on its search box, which takes the typing.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field && field.tomselect) {
        event.preventDefault();
        field.tomselect.focus();
      }
    });
  }

  // Long <select>s (countries, zones, people) become searchable; the <select> stays the field.
  function searchable() {
    if (typeof window.TomSelect !== "function") {
      return;
    }
    var selects = document.querySelectorAll("select[data-searchable]");
    for (var i = 0; i < selects.length; i++) {
      enhance(selects[i]);
    }
  }

  function enhance(select) {
    if (select.tomselect) {
      return;
    }
    var words = select.closest("[data-no-results]");
    var none = words ? words.getAttribute("data-no-results") : "";
    var multiple = select.multiple;
    var options = {
      maxOptions: null,
      // Open on typing or arrow keys, not on focus: a list must not cover the next control.
      openOnFocus: false,
      allowEmptyOption: !multiple,
      plugins: multiple ? ["remove_button"] : [],
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = none;
          return div;
        },
      },
    };
    if (multiple) {
      select.removeAttribute("size");
    }
    new window.TomSelect(select, options);
  }

  // Participants: "Add participant" copies the empty row the server rendered in a <template>.
  function participants() {
    var adders = document.querySelectorAll("[data-add-row]");
    for (var i = 0; i < adders.length; i++) {
      wire(adders[i]);
    }
  }

  function wire(button) {
    var prefix = button.getAttribute("data-add-row");
    var template = document.getElementById(prefix + "-empty");
    var body = document.getElementById(prefix + "-rows");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var maximum = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!template || !body || !total) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) {
        return;
      }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      html = html.replace(/__number__/g, String(index + 1));
      var holder = document.createElement("tbody");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      body.appendChild(row);
      total.value = String(index + 1);
      var selects = row.querySelectorAll("select[data-searchable]");
      for (var j = 0; j < selects.length; j++) {
        if (typeof window.TomSelect === "function") {
          enhance(selects[j]);
        }
      }
      var first = row.querySelector("select, input");
      if (first) {
        var target = first.tomselect ? first.tomselect.control_input : first;
        target.focus();
      }
    });
  }

  function start() {
    searchable();
    participants();
    focusErrors();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
