// Progressive enhancement: refresh the e-mail rounds' progress while a round is sending.
(function () {
  function refresh() {
    var box = document.getElementById("rounds");
    if (!box || box.getAttribute("data-active") !== "1") { return; }
    fetch(box.getAttribute("data-refresh"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#rounds");
        if (fresh) { box.replaceWith(fresh); }
        window.setTimeout(refresh, 3000);
      })
      .catch(function () { window.setTimeout(refresh, 10000); });
  }
  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(refresh, 3000); });
})();
