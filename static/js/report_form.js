/*
 * Report form: add and remove indicator rows without reloading, offer the villages of the chosen
 * province, and enable "of which female" only for indicators counted by sex.
 * No inline script anywhere (strict CSP): this file finds the form by its data- attributes.
 * Without JavaScript the form still works: one empty row, and "Remove" is a checkbox.
 */
(function () {
  "use strict";

  function setUp(form) {
    var rows = form.querySelector("[data-rows]");
    var template = form.querySelector("template[data-row-template]");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var villagesUrl = form.getAttribute("data-villages-url");
    if (!rows || !template || !total) {
      return;
    }

    function updateFemale(row) {
      var indicator = row.querySelector("[data-role='indicator']");
      var female = row.querySelector("[data-role='female']");
      if (!indicator || !female) {
        return;
      }
      var option = indicator.options[indicator.selectedIndex];
      var bySex = option && option.getAttribute("data-by-sex") === "1";
      female.disabled = !bySex;
      if (!bySex) {
        female.value = "";
      }
    }

    function loadVillages(row) {
      var province = row.querySelector("[data-role='province']");
      var village = row.querySelector("[data-role='village']");
      if (!province || !village || !villagesUrl) {
        return;
      }
      var chosen = village.value;
      if (!province.value) {
        var emptyLabel = village.options.length ? village.options[0].text : "";
        village.length = 0;
        village.add(new Option(emptyLabel, ""));
        return;
      }
      village.disabled = true;
      fetch(villagesUrl + "?province=" + encodeURIComponent(province.value), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) {
          return response.ok ? response.json() : Promise.reject(response.status);
        })
        .then(function (data) {
          village.length = 0;
          village.add(new Option(data.empty_label, ""));
          data.villages.forEach(function (item) {
            var option = new Option(item.label, String(item.id));
            option.selected = String(item.id) === chosen;
            village.add(option);
          });
        })
        .catch(function () {
          /* Leave the list as it was: the village is optional. */
        })
        .then(function () {
          village.disabled = false;
        });
    }

    function markRemoved(row) {
      var remove = row.querySelector("[data-role='delete']");
      row.classList.toggle("row-deleted", Boolean(remove && remove.checked));
    }

    function addRow() {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("tbody");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      updateFemale(row);
      var province = row.querySelector("[data-role='province']");
      if (province && province.value) {
        loadVillages(row);
      }
      var first = row.querySelector("select, input");
      if (first) {
        first.focus();
      }
    }

    rows.addEventListener("change", function (event) {
      var row = event.target.closest("[data-row]");
      if (!row) {
        return;
      }
      var role = event.target.getAttribute("data-role");
      if (role === "indicator") {
        updateFemale(row);
      } else if (role === "province") {
        loadVillages(row);
      } else if (role === "delete") {
        markRemoved(row);
      }
    });

    form.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.addEventListener("click", addRow);
    });

    rows.querySelectorAll("[data-row]").forEach(function (row) {
      updateFemale(row);
      markRemoved(row);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-report-form]").forEach(setUp);
  });
})();
