/* Draw every chart of the page: each <div data-spec="ID"> gets the Vega-Lite spec in the inert
   <script type="application/json" id="ID"> block, rendered as SVG by the bundled vega-embed.
   Expressions are interpreted (vega-interpreter), never compiled: the page's
   Content-Security-Policy forbids eval and new Function. Hovering a mark shows its values in a
   tooltip and, below the chart, a line with a link to what the figure rests on; clicking the
   mark follows that link. */
(function () {
  "use strict";
  if (typeof window.vegaEmbed !== "function" || !window.vegaInterpreter) return;
  var options = {
    renderer: "svg",
    actions: false,
    defaultStyle: false,
    ast: true,
    expr: window.vegaInterpreter.expressionInterpreter,
    tooltip: { disableDefaultStyle: true, theme: "light" },
    logLevel: 1 /* errors only */
  };

  function describe(datum) {
    var parts = [];
    ["x", "period", "series", "vector", "channel", "element", "date_text", "type"].forEach(function (k) {
      if (datum[k] !== undefined && datum[k] !== null && datum[k] !== "") parts.push(String(datum[k]));
    });
    var value = datum.value_text;
    if (value === undefined && datum.passages !== undefined) value = datum.passages + " passage(s)";
    if (value !== undefined && value !== null) parts.push(String(value));
    if (datum.interval_text) parts.push("95% interval " + datum.interval_text);
    return parts.join(" · ");
  }

  function showDetail(panel, datum) {
    if (!panel || !datum || typeof datum !== "object") return;
    var text = describe(datum);
    if (!text) return;
    panel.textContent = text + " ";
    if (typeof datum.href === "string" && datum.href.charAt(0) === "/") {
      var link = document.createElement("a");
      link.href = datum.href;
      link.textContent = datum.action || "see what this rests on";
      panel.appendChild(link);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-spec]"), function (el) {
    var source = document.getElementById(el.getAttribute("data-spec"));
    if (!source) return;
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (err) {
      el.textContent = "The chart's data could not be read.";
      return;
    }
    var panel = document.getElementById(el.id + "-detail");
    window.vegaEmbed(el, spec, options).then(function (result) {
      el.classList.add("drawn");
      result.view.addEventListener("mouseover", function (event, item) {
        if (item && item.datum) showDetail(panel, item.datum);
      });
    }).catch(function (err) {
      el.textContent = "The chart could not be drawn (" + err.message + "); the table below holds its figures.";
      if (window.console) window.console.error(err);
    });
  });
})();
