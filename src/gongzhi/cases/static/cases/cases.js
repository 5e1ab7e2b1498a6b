/* Gongzhi case forms, progressive enhancement only: without this script every part of a form
   is shown at once and still works.
   - [data-steps] forms show one <fieldset data-step> at a time, with Back / Next.
   - [data-question-group] fieldsets follow the chosen category; the others are disabled, so
     they are neither checked nor sent.
   - On the agent's form, choosing a person found by phone fills the empty contact fields.
   - On the report form, the router's suggested category (#category-suggestion, filled by htmx)
     is checked only while the resident has chosen none, and marked as a suggestion.
   - On the merge form, a candidate's number button fills the number field. */
(function () {
  "use strict";

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function chosenCategory(form) {
    var checked = form.querySelector("input[name=category]:checked");
    if (checked) return checked.value;
    var select = form.querySelector("select[name=category]");
    return select ? select.value : "";
  }

  function syncQuestions(form) {
    var value = chosenCategory(form);
    all(form, "[data-question-group]").forEach(function (group) {
      var on = (" " + group.getAttribute("data-categories") + " ").indexOf(" " + value + " ") >= 0;
      group.hidden = !on;
      all(group, "input, select, textarea").forEach(function (field) {
        field.disabled = !on;
        if (field.hasAttribute("data-required")) field.required = on;
      });
    });
  }

  function fields(step) {
    return all(step, "input, select, textarea").filter(function (field) {
      return !field.disabled;
    });
  }

  function setUpSteps(form) {
    var steps = all(form, "fieldset[data-step]");
    var nav = form.querySelector(".step-nav");
    if (steps.length < 2 || !nav) return;
    var back = nav.querySelector("[data-step-back]");
    var next = nav.querySelector("[data-step-next]");
    var progress = form.querySelector(".step-progress");
    var template = form.querySelector("template[data-progress-text]");
    var current = 0;

    function show(index, focus) {
      current = index;
      steps.forEach(function (step, i) {
        step.hidden = i !== index;
      });
      back.hidden = index === 0;
      next.hidden = index === steps.length - 1;
      if (progress && template) {
        progress.textContent = template.innerHTML
          .replace("{step}", String(index + 1))
          .replace("{steps}", String(steps.length));
        progress.hidden = false;
      }
      if (focus) {
        var heading = steps[index].querySelector("legend h2, legend");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      }
    }

    function valid(step) {
      var bad = fields(step).filter(function (field) {
        return !field.checkValidity();
      });
      if (bad.length) bad[0].reportValidity();
      return !bad.length;
    }

    nav.hidden = false;
    back.addEventListener("click", function () {
      if (current > 0) show(current - 1, true);
    });
    next.addEventListener("click", function () {
      if (valid(steps[current]) && current < steps.length - 1) show(current + 1, true);
    });
    // The browser checks the whole form on submit: reveal the step of the first field it
    // refuses (it reports that one; "invalid" fires for each, in document order).
    var revealing = false;
    form.addEventListener(
      "invalid",
      function (event) {
        if (revealing) return;
        revealing = true;
        setTimeout(function () {
          revealing = false;
        }, 0);
        var index = steps.indexOf(event.target.closest("fieldset[data-step]"));
        if (index >= 0 && index !== current) show(index, false);
      },
      true
    );
    // After a refused submit, start at the first step that has a message.
    var first = form.querySelector("[aria-invalid=true], .error[id$=_error]");
    var start = first ? steps.indexOf(first.closest("fieldset[data-step]")) : 0;
    show(start > 0 ? start : 0, false);
  }

  function setUpPeople(form) {
    document.addEventListener("change", function (event) {
      var radio = event.target;
      if (!radio.matches || !radio.matches("input[name=on_behalf_of][form=" + form.id + "]")) return;
      var name = form.querySelector("[name=contact_name]");
      var phone = form.querySelector("[name=contact_phone]");
      var place = form.querySelector("select[name=place]");
      if (name && !name.value) name.value = radio.getAttribute("data-name") || "";
      if (phone && !phone.value) phone.value = radio.getAttribute("data-phone") || "";
      var home = radio.getAttribute("data-place");
      if (place && home && place.querySelector("option[value='" + home + "']")) place.value = home;
    });
  }

  function setUp(form) {
    if (form.querySelector("[data-question-group]")) {
      syncQuestions(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "category") syncQuestions(form);
      });
    }
    if (form.hasAttribute("data-steps")) setUpSteps(form);
    if (form.id === "register-form") setUpPeople(form);
  }

  function applySuggestion() {
    var hint = document.getElementById("category-suggestion");
    var form = hint && hint.closest("form");
    var value = hint && hint.getAttribute("data-category");
    if (!form || !value || form.querySelector("input[name=category]:checked")) return;
    var radio = form.querySelector("input[name=category][value='" + value + "']");
    if (!radio) return;
    radio.checked = true;
    var label = radio.closest("label");
    if (label && !label.querySelector(".suggested")) {
      var tag = document.createElement("span");
      tag.className = "tag suggested";
      tag.textContent = hint.getAttribute("data-tag") || "";
      label.appendChild(tag);
    }
    syncQuestions(form);
  }

  document.addEventListener("htmx:afterSettle", applySuggestion);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-merge-number]");
    if (!button) return;
    var field = document.querySelector("input[name='merge-into']");
    if (!field) return;
    field.value = button.getAttribute("data-merge-number");
    field.focus();
  });

  function start() {
    all(document, "form.steps-form, form.register-form").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
