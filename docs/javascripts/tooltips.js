/* Citation previews and styled tooltips, drawn on first hover or focus (issue 24 part 4).
 * Why ours: Material's content.tooltips and content.footnote.tooltips mount one tooltip per
 * citation and titled element as the page starts (400 on the longest article: most of its
 * blocking time on a phone), with no lazy setting; mkdocs.yml leaves them off. This draws
 * Material's own tooltip2 markup (its CSS styles it) from listeners on the document, which
 * outlive instant navigation. Focus shows, blur and Escape hide (WCAG 1.4.13). */
(function () {
  var CITE = ".md-content .footnote-ref", TITLED = ".md-main [title]:not([data-preview])";
  var n = 0, open = null;  // open: {host, node, title, over, focused, timer}

  function hostOf(el) {
    if (!el || !el.closest) return null;
    if (open && open.host.contains(el)) return open.host;  // its title is off while shown
    return el.closest(CITE) || el.closest(TITLED);
  }

  function make(host) {
    var cite = host.matches(CITE), title = cite ? null : host.getAttribute("title");
    var entry = cite && document.getElementById(decodeURIComponent(host.hash.slice(1)));
    if (cite ? !entry : !title) return null;
    var node = document.createElement("div"), inner = document.createElement("div");
    node.className = "md-tooltip2";
    node.id = "__tooltip2_lazy_" + n++;
    node.setAttribute("role", cite ? "dialog" : "tooltip");
    inner.className = "md-tooltip2__inner md-typeset";
    inner.append.apply(inner, cite ? Array.from(entry.cloneNode(true).children) : [title]);
    node.append(inner);
    if (title) host.removeAttribute("title");  // or the browser's own tooltip shows too
    return { host: host, node: node, title: title, over: false, focused: false, timer: 0 };
  }

  function place(host, node) {  // as Material: a title below, centred; a preview where there is room
    var box = host.getBoundingClientRect(), set = node.style.setProperty.bind(node.style), y;
    set("--md-tooltip-host-x", box.x + scrollX + "px");
    set("--md-tooltip-host-y", box.y + scrollY + "px");
    if (node.getAttribute("role") === "tooltip") {
      y = 8 + box.height;
      set("--md-tooltip-width", node.firstChild.offsetWidth + "px");
      set("--md-tooltip-tail", "0px");
    } else {
      y = box.y >= innerHeight / 2 ? -16 - node.offsetHeight : 16 + box.height;
    }
    set("--md-tooltip-x", box.width / 2 + "px");
    set("--md-tooltip-y", y + "px");
    node.classList.add(y < 0 ? "md-tooltip2--top" : "md-tooltip2--bottom");
  }

  function show(host) {
    if (open && open.host === host) return clearTimeout(open.timer);
    hide();
    open = make(host);
    if (!open) return;
    var node = open.node;
    document.body.append(node);
    place(host, node);
    if (open.title) host.setAttribute("aria-describedby", node.id);
    else host.setAttribute("aria-controls", node.id), host.setAttribute("aria-haspopup", "dialog");
    requestAnimationFrame(function () { node.classList.add("md-tooltip2--active"); });
  }

  function hide() {
    if (!open) return;
    var was = open;
    open = null;
    clearTimeout(was.timer);
    ["aria-controls", "aria-haspopup", "aria-describedby"].forEach(was.host.removeAttribute, was.host);
    if (was.title) was.host.setAttribute("title", was.title);
    was.node.remove();
  }

  function leave(kind) {  // 250 ms to move the pointer onto a preview, as Material
    if (!open) return;
    open[kind] = false;
    clearTimeout(open.timer);
    if (!open.over && !open.focused) open.timer = setTimeout(hide, 250);
  }

  document.addEventListener("mouseover", function (e) {
    if (open && open.node.contains(e.target)) return (open.over = true), clearTimeout(open.timer);
    var host = hostOf(e.target);
    if (host) show(host), open && (open.over = true);
    else if (open && open.over) leave("over");
  });
  document.addEventListener("mouseout", function (e) {
    var to = e.relatedTarget;
    if (open && !(to && (open.node.contains(to) || open.host.contains(to)))) leave("over");
  });
  document.addEventListener("focusin", function (e) {
    var host = hostOf(e.target);
    if (host) show(host), open && (open.focused = true);
    else if (open && !open.node.contains(e.target)) leave("focused");
  });
  document.addEventListener("focusout", function (e) {
    var to = e.relatedTarget;
    if (open && e.target === open.host && !(to && open.node.contains(to))) leave("focused");
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  addEventListener("hashchange", hide);
  if (typeof document$ !== "undefined") document$.subscribe(hide);  // a new page by instant navigation
})();
