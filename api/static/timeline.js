// Interactive timelines (vis-timeline): one item per event, grouped by place or actor, zoomable
// from the war to the day. Item text is built as DOM nodes (textContent), never as HTML.
// The page's table lists the same events: selecting an item scrolls to its row (or, on an
// entity page's strip, opens the event page).
/* global vis */
(function () {
  "use strict";
  var DAY = 86400000;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function roles(i) {
    var out = [];
    if (i.agents.length) out.push("agent: " + i.agents.join(", "));
    if (i.targets.length) out.push("target: " + i.targets.join(", "));
    if (i.claimants.length) out.push("claimed by: " + i.claimants.join(", "));
    if (i.deniers.length) out.push("denied by: " + i.deniers.join(", "));
    return out;
  }

  function content(i) {
    var box = el("div");
    box.appendChild(el("strong", i.title));
    var r = roles(i);
    if (r.length) box.appendChild(el("div", r.join(" · "), "roles"));
    if (i.reports > 1) box.appendChild(el("div", i.reports + " reports", "reports"));
    return box;
  }

  function tooltip(i) {
    var box = el("div");
    box.appendChild(el("strong", i.title + " — " + i.start));
    roles(i).forEach(function (r) { box.appendChild(el("div", r)); });
    box.appendChild(el("div", i.reports + (i.reports === 1 ? " report" : " reports")));
    return box;
  }

  function controls(node, tl) {
    var bar = el("div", null, "timeline-controls");
    [["Zoom in", function () { tl.zoomIn(0.5); }], ["Zoom out", function () { tl.zoomOut(0.5); }],
     ["Whole war", function () { tl.fit(); }]].forEach(function (b) {
      var button = el("button", b[0]);
      button.type = "button";
      button.addEventListener("click", b[1]);
      bar.appendChild(button);
    });
    node.parentNode.insertBefore(bar, node);
  }

  document.querySelectorAll(".timeline[data-source], .strip[data-source]").forEach(function (node) {
    var source = document.getElementById(node.dataset.source);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var strip = node.classList.contains("strip");
    if (!data.items.length) {
      node.classList.add("empty");
      node.textContent = "No dated events here.";
      return;
    }
    var items = new vis.DataSet(data.items.map(function (i) {
      return { id: i.id, start: i.start, group: strip ? undefined : i.group, content: content(i),
               title: tooltip(i), className: "t-" + i.type, link: i.link };
    }));
    var options = { stack: true, zoomMin: DAY * 2, zoomMax: DAY * 3650, orientation: "top", zoomKey: "ctrlKey",
                    margin: { item: 6 }, maxHeight: strip ? 260 : 640, tooltip: { followMouse: true },
                    horizontalScroll: false, verticalScroll: true, type: "box" };
    var dates = data.items.map(function (i) { return Date.parse(i.start); });
    options.start = new Date(Math.min.apply(null, dates) - 4 * DAY);
    options.end = new Date(Math.max.apply(null, dates) + 4 * DAY);
    options.min = new Date(Math.min.apply(null, dates) - 60 * DAY);
    options.max = new Date(Math.max.apply(null, dates) + 60 * DAY);
    var tl = strip ? new vis.Timeline(node, items, options)
                   : new vis.Timeline(node, items, new vis.DataSet(data.groups), options);
    controls(node, tl);
    // Its scrolling panels take keyboard focus (arrow keys scroll them).
    node.querySelectorAll(".vis-panel.vis-left, .vis-panel.vis-center").forEach(function (p) {
      p.tabIndex = 0;
      p.setAttribute("role", "group");
      p.setAttribute("aria-label", p.classList.contains("vis-left") ? "groups" : "events");
    });
    tl.on("select", function (p) {
      if (!p.items.length) return;
      var row = document.getElementById(p.items[0]);
      if (row && !strip) { location.hash = p.items[0]; row.focus(); }
      else { var it = items.get(p.items[0]); if (it && it.link) location.href = it.link; }
    });
    node.dataset.items = String(data.items.length);
  });
})();
