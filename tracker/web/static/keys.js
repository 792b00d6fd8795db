// Keyboard shortcuts for the screening queue: j/k move, i include, x exclude, s skip, n note.
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-queue] > .trial"));
  if (!items.length) return;
  var at = Math.max(0, items.findIndex(function (e) { return "#" + e.id === location.hash; }));
  function show(index) {
    items.forEach(function (e) { e.classList.remove("current"); });
    at = Math.min(Math.max(index, 0), items.length - 1);
    items[at].classList.add("current");
    items[at].focus();
  }
  show(at);
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.tagName === "INPUT" || event.ctrlKey || event.metaKey || event.altKey) return;
    var item = items[at], button;
    if (event.key === "j" || event.key === "s") { show(at + 1); }
    else if (event.key === "k") { show(at - 1); }
    else if (event.key === "i" || event.key === "x") {
      button = item.querySelector('[data-key="' + (event.key === "i" ? "include" : "exclude") + '"]');
      if (button) button.click();
    } else if (event.key === "n") { item.querySelector('input[name="note"]').focus(); }
    else { return; }
    event.preventDefault();
  });
})();
