// Draws each page's map with d3-geo on Natural Earth's 1:110m countries (world-atlas), with no
// tile server: the places come from the page's own JSON, the basemap from countries-110m.js.
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 800, HEIGHT = 420;

  function element(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function draw(block) {
    var points = JSON.parse(block.querySelector("script.map-data").textContent);
    var world = window.cityrdfBasemap;
    var mine = points.filter(function (p) { return p.role === "self"; })[0];
    // fit a few degrees around every place, so one city or one country is not a single pixel
    var around = {
      type: "GeometryCollection",
      geometries: points.map(function (p) {
        return d3.geoCircle().center([p.long, p.lat]).radius(points.length > 1 ? 3 : 12)();
      })
    };
    var projection = d3.geoNaturalEarth1().fitExtent([[20, 20], [WIDTH - 20, HEIGHT - 20]], around);
    var path = d3.geoPath(projection);
    var svg = element("svg", {
      // a group, not an image: its places are links (listed again under the map)
      viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "group",
      "aria-labelledby": block.querySelector("figcaption").id, class: "map-drawing"
    });
    element("path", { d: path({ type: "Sphere" }), class: "sphere" }, svg);
    element("path", { d: path(d3.geoGraticule10()), class: "graticule" }, svg);
    var countries = topojson.feature(world, world.objects.countries);
    element("path", { d: path(countries), class: "land" }, svg);
    element("path", {
      d: path(topojson.mesh(world, world.objects.countries, function (a, b) { return a !== b; })),
      class: "border"
    }, svg);
    if (mine && block.dataset.lines === "true") {
      points.forEach(function (p) {
        if (p === mine || p.role === "suggested") return;  // a prediction is no pact
        // a great-circle arc: d3-geo draws a LineString along the geodesic
        element("path", {
          d: path({ type: "LineString", coordinates: [[mine.long, mine.lat], [p.long, p.lat]] }),
          class: "link"
        }, svg);
      });
    }
    var labelled = points.length <= 12;
    points.forEach(function (p) {
      var xy = projection([p.long, p.lat]);
      if (!xy) return;
      var name = p.name + (p.name_fa && p.name_fa !== p.name ? " · " + p.name_fa : "");
      var group = p.href ? element("a", { href: p.href, "aria-label": name }, svg) : svg;
      var dot = element("circle", {
        cx: xy[0], cy: xy[1], r: p.role === "self" ? 6 : 4, class: "place " + p.role
      }, group);
      element("title", {}, dot).textContent = name;
      if (labelled || p.role === "self") {
        var label = element("text", { x: xy[0] + 8, y: xy[1] + 4, class: "place-label" }, group);
        label.textContent = p.name;
      }
    });
    block.querySelector(".map-canvas").replaceChildren(svg);
  }

  if (!window.d3 || !window.topojson || !window.cityrdfBasemap) return;
  document.querySelectorAll("div.map-block").forEach(draw);
})();
