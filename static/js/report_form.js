/*
 * Report form: add and remove indicator rows without reloading, search the villages of the
 * agreement's provinces (and of the row's province), and enable "of which female" only for indicators counted by sex.
 * No inline script anywhere (strict CSP): this file finds the form by its data- attributes.
 * Without JavaScript the form still works: one empty row, and "Remove" is a checkbox.
 */
(function () {
  "use strict";

  function setUp(form) {
    var rows = form.querySelector("[data-rows]");
    var template = form.querySelector("template[data-row-template]");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
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

    /* The village search box asks for the villages of the agreement's provinces (in its URL) and of
     * the row's province, when one is chosen (added here to the request htmx sends). */
    form.addEventListener("htmx:configRequest", function (event) {
      var box = event.detail.elt;
      var row = box && box.closest ? box.closest("[data-row]") : null;
      var province = row ? row.querySelector("[data-role='province']") : null;
      if (box.getAttribute("data-role") === "village-search" && province && province.value) {
        event.detail.parameters.province = province.value;
      }
    });

    /* A village chosen before its province fills the province in. */
    function villageChosen(row) {
      var village = row.querySelector("[data-role='village']");
      var province = row.querySelector("[data-role='province']");
      var option = village ? village.options[village.selectedIndex] : null;
      var villageProvince = option ? option.getAttribute("data-province") : null;
      if (province && villageProvince && !province.value) {
        province.value = villageProvince;
      }
    }

    /* One match is chosen by the list itself (no change event): fill the province in as well. */
    form.addEventListener("htmx:afterSwap", function (event) {
      var row = event.detail.target && event.detail.target.closest ? event.detail.target.closest("[data-row]") : null;
      if (row && event.detail.target.getAttribute("data-role") === "village") {
        villageChosen(row);
      }
    });

    /* Another province: a village of the former one no longer fits. */
    function provinceChanged(row) {
      var village = row.querySelector("[data-role='village']");
      var province = row.querySelector("[data-role='province']");
      if (!village || !province) {
        return;
      }
      var option = village.options[village.selectedIndex];
      var villageProvince = option ? option.getAttribute("data-province") : null;
      if (village.value && villageProvince && villageProvince !== province.value) {
        village.value = "";
      }
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
      if (window.htmx) {
        window.htmx.process(row);
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
        provinceChanged(row);
      } else if (role === "village") {
        villageChosen(row);
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
