// The summary as slides (templates/reports/slides.html): arrow keys, Page Up/Down and space move between
// slides, Home/End go to the first and last, F toggles full screen. A static file: the CSP refuses inline code.
(function () {
  "use strict";

  function slides() {
    return Array.prototype.slice.call(document.querySelectorAll(".slide"));
  }

  function current() {
    var list = slides();
    var middle = window.innerHeight / 2;
    for (var i = 0; i < list.length; i++) {
      var box = list[i].getBoundingClientRect();
      if (box.bottom > middle) {
        return i;
      }
    }
    return list.length - 1;
  }

  function show(index) {
    var list = slides();
    var target = list[Math.max(0, Math.min(list.length - 1, index))];
    if (target) {
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    switch (event.key) {
      case "ArrowRight":
      case "ArrowDown":
      case "PageDown":
      case " ":
        show(current() + 1);
        break;
      case "ArrowLeft":
      case "ArrowUp":
      case "PageUp":
        show(current() - 1);
        break;
      case "Home":
        show(0);
        break;
      case "End":
        show(slides().length - 1);
        break;
      case "f":
      case "F":
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else if (document.documentElement.requestFullscreen) {
          document.documentElement.requestFullscreen();
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    slides().forEach(function (slide, n) {
      slide.setAttribute("tabindex", "-1");
      slide.setAttribute("aria-label", String(n + 1) + " / " + String(slides().length));
    });
  });
})();
