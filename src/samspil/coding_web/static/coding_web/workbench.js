// Keyboard shortcuts on the coding workbench. Progressive enhancement only: without this
// file the form works with the mouse, Tab and Space like any form.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("coding-form");
  if (!form) { return; }
  var keys = {};
  form.querySelectorAll("input[data-key]").forEach(function (input) {
    keys[input.getAttribute("data-key")] = input;
  });
  form.classList.add("js-keys");

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) { return true; }
    return tag === "INPUT" && target.type !== "checkbox" && target.type !== "radio";
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (typing(target)) { return; }
    if (event.key === "Enter") {
      if (target && (target.tagName === "A" || target.tagName === "BUTTON")) { return; }
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      return;
    }
    var input = keys[event.key.toLowerCase()];
    if (!input) { return; }
    event.preventDefault();
    if (input.type === "radio") { input.checked = true; } else { input.checked = !input.checked; }
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
});
