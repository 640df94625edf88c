// Maps of events (Leaflet + leaflet.markercluster) over the Natural Earth basemap (world-atlas
// TopoJSON, drawn with topojson-client): no tiles, nothing from elsewhere. Reads the JSON block
// named by each map element's data-source. Settlements are points, clustered where they overlap;
// regions are dashed circles with a square marker; countries are shaded areas (or, when the
// basemap has no such country, a large marker at their centroid) — never a point among villages.
/* global L, topojson */
(function () {
  "use strict";
  var BASEMAP = "/static/vendor/countries-50m.json";
  var popupWidth = 360;  // narrower on a narrow map (a phone)

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function popup(place) {
    var box = el("div", null, "popup");
    var h = el("h3");
    h.appendChild(link(place.link, place.label));
    box.appendChild(h);
    var where = [place.kind === "point" ? "settlement" : place.kind];
    if (place.region) where.push("in " + place.region);
    if (place.country) where.push("in " + place.country);
    if (place.approximate) where.push("(drawn at the position of the area it is in)");
    box.appendChild(el("p", where.join(" "), "meta"));
    var ul = el("ul");
    place.events.forEach(function (e) {
      var li = el("li");
      li.appendChild(link(e.link, e.title));
      li.appendChild(el("span", " " + (e.date || "undated"), "date"));
      if (e.claimants.length) li.appendChild(el("div", "claimed by: " + e.claimants.join(", ")));
      if (e.deniers.length) li.appendChild(el("div", "denied by: " + e.deniers.join(", "), "denied"));
      e.evidence.forEach(function (r, i) {
        var q = el("div", null, "evidence");
        q.appendChild(document.createTextNode("evidence: "));
        q.appendChild(link(r.doc, "sentence " + (i + 1) + " (" + (r.sentence || "").slice(0, 40) + "…)"));
        q.title = r.sentence || "";
        li.appendChild(q);
      });
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  function icon(kind) {
    var size = kind === "point" ? 16 : 22;
    return L.divIcon({ className: "pin pin-" + kind, html: "", iconSize: [size, size] });
  }

  function marker(place) {
    var m = L.marker([place.lat, place.long], {
      icon: icon(place.kind), keyboard: true, title: place.label + ": " + place.events.length + " event(s)",
      alt: place.label, riseOnHover: true,
    });
    m.bindPopup(popup(place), { maxWidth: popupWidth, maxHeight: 320, autoPanPadding: [20, 20] });
    // A short permanent label; clustered markers are off the map, so labels do not pile up.
    // Areas are labelled on the left, settlements on the right: a region and its main town share a spot.
    var left = place.kind !== "point";
    m.bindTooltip(place.label, { permanent: true, direction: left ? "left" : "right", offset: [left ? -10 : 8, 0],
                                 className: "place-label",
                                 opacity: 0.9 });
    return m;
  }

  // The places the view is fitted to: those within 8 degrees of the median place, so that one
  // far-away capital does not zoom the whole war out to a continent (zoom out to see it).
  function core(bounds) {
    if (bounds.length < 3) return bounds;
    function median(xs) { var s = xs.slice().sort(function (a, b) { return a - b; }); return s[s.length >> 1]; }
    var lat = median(bounds.map(function (b) { return b[0]; }));
    var lon = median(bounds.map(function (b) { return b[1]; }));
    var near = bounds.filter(function (b) { return Math.abs(b[0] - lat) < 8 && Math.abs(b[1] - lon) < 8; });
    return near.length ? near : bounds;
  }

  function draw(node, data, mini) {
    popupWidth = Math.max(180, Math.min(360, node.clientWidth - 90));
    var map = L.map(node, { zoomSnap: 0.5, scrollWheelZoom: !mini, keyboard: true, worldCopyJump: true,
                            attributionControl: true, minZoom: 1, maxZoom: 12 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Basemap: Natural Earth (world-atlas)");
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = 200;
    var points = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40,
                                        spiderfyOnMaxZoom: true });
    // Regions cluster among themselves only, with their own square icon: never among villages.
    var regions = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 30,
      iconCreateFunction: function (c) {
        return L.divIcon({ className: "region-cluster", html: "<span>" + c.getChildCount() + "</span>",
                           iconSize: [30, 30] });
      } });
    var areas = L.layerGroup();
    var bounds = [];
    var countries = [];
    data.places.forEach(function (p) {
      if (p.kind === "country") { countries.push(p); return; }
      if (p.kind === "region") {
        areas.addLayer(L.circle([p.lat, p.long], { radius: 18000, color: "#6c3483", weight: 1.5,
                                                   dashArray: "5 4", fillOpacity: 0.08, interactive: false }));
        regions.addLayer(marker(p));
      } else {
        points.addLayer(marker(p));
      }
      bounds.push([p.lat, p.long]);
    });
    map.addLayer(areas);
    map.addLayer(regions);
    map.addLayer(points);
    if (data.self) {
      var here = L.marker([data.self.lat, data.self.long], {
        icon: L.divIcon({ className: "pin pin-self", html: "", iconSize: [20, 20] }), keyboard: true,
        title: "this place", alt: "this place", zIndexOffset: 1000 });
      here.bindTooltip("this place", { direction: "top", offset: [0, -10] });
      here.addTo(map);
    }
    var view = core(bounds);
    if (data.self) map.setView([data.self.lat, data.self.long], 7);
    else if (view.length > 1) map.fitBounds(view, { padding: [60, 60], maxZoom: 8 });
    else if (view.length === 1) map.setView(view[0], mini ? 6 : 7);
    else if (countries.length) map.fitBounds(countries.map(function (c) { return [c.lat, c.long]; }),
                                             { padding: [60, 60], maxZoom: 5 });
    else map.setView([30, 20], 2);
    node.dataset.markers = String(data.places.length);

    fetch(BASEMAP).then(function (r) { return r.json(); }).then(function (topo) {
      var active = {};
      countries.forEach(function (c) { c.names.forEach(function (n) { active[n.toLowerCase()] = c; }); });
      var matched = {};
      var layer = L.geoJSON(topojson.feature(topo, topo.objects.countries), {
        pane: "basemap",
        style: function (f) {
          var hit = active[(f.properties.name || "").toLowerCase()];
          return hit ? { color: "#7a4a1b", weight: 1.6, fillColor: "#f3d9b8", fillOpacity: 0.9 }
                     : { color: "#9aa3ab", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 };
        },
        onEachFeature: function (f, l) {
          var hit = active[(f.properties.name || "").toLowerCase()];
          if (hit) { matched[hit.label] = true; l.bindPopup(popup(hit), { maxWidth: popupWidth, maxHeight: 320, autoPanPadding: [20, 20] }); }
          else l.options.interactive = false;
        },
      });
      layer.addTo(map);
      countries.forEach(function (c) {   // a country the basemap does not draw: its centroid, as an area marker
        if (!matched[c.label]) regions.addLayer(marker(c));
      });
      node.dataset.basemap = String(layer.getLayers().length);
    }).catch(function (err) { node.dataset.basemap = "failed: " + err; });
  }

  document.querySelectorAll(".map[data-source], .minimap[data-source]").forEach(function (node) {
    var source = document.getElementById(node.dataset.source);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data.places.length && !(data.self && data.self.lat !== null)) {
      node.classList.add("empty");
      node.textContent = "Nothing to draw on the map here.";
      return;
    }
    draw(node, data, node.classList.contains("minimap"));
  });
})();
