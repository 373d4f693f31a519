// Charts drawn as inline SVG from the impact history: a line per series over time, or bars for one moment.
// Every chart has a title for assistive technology and its numbers in a table under "Data".
"use strict";
(() => {
  const { h, s, time } = window.gh;
  const W = 640, H = 240;
  const M = { top: 14, right: 18, bottom: 30, left: 46 };

  function niceMax(value) {
    if (value <= 2) return 2;
    const power = 10 ** Math.floor(Math.log10(value));
    for (const m of [1, 2, 5, 10]) if (m * power >= value) return m * power;
    return 10 * power;
  }

  function reset(figure) {
    for (const child of [...figure.children]) if (child.tagName !== "FIGCAPTION") child.remove();
  }

  function empty(figure, text) {
    reset(figure);
    figure.append(h("p", { class: "empty", "data-testid": "chart-empty" }, text));
  }

  function legend(series) {
    return h("ul", { class: "legend" },
      series.map(one => h("li", { class: one.cls }, h("span", { class: "swatch", "aria-hidden": "true" }), one.label)));
  }

  function dataTable(headers, rows) {
    return h("details", { class: "chart-data" },
      h("summary", {}, "Data"),
      h("table", {},
        h("thead", {}, h("tr", {}, headers.map(text => h("th", { scope: "col" }, text)))),
        h("tbody", {}, rows.map(row => h("tr", {}, row.map((cell, i) => i === 0 ? h("th", { scope: "row" }, cell) : h("td", {}, String(cell))))))));
  }

  function frame(figure, title) {
    const id = figure.id + "-svg-title";
    return s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": id, class: "plot", "data-testid": "chart-svg" },
      s("title", { id }, title));
  }

  function yAxis(svg, max, y) {
    for (const tick of [0, max / 2, max].filter(Number.isInteger)) {
      svg.append(
        s("line", { class: "grid", x1: M.left, x2: W - M.right, y1: y(tick), y2: y(tick) }),
        s("text", { class: "tick", x: M.left - 6, y: y(tick) + 4, "text-anchor": "end" }, String(tick)));
    }
  }

  /**
   * One line per series over the snapshot times.
   * @param {HTMLElement} figure  the figure (its figcaption stays)
   * @param {string[]} times      ISO times, oldest first
   * @param {{key:string,label:string,cls:string,values:number[]}[]} series
   */
  function lineChart(figure, title, times, series) {
    if (times.length === 0) return empty(figure, "No impact snapshots recorded yet: the chart fills as the inventory is sampled.");
    reset(figure);
    const max = niceMax(Math.max(0, ...series.flatMap(one => one.values)));
    const width = W - M.left - M.right, height = H - M.top - M.bottom;
    const x = i => times.length === 1 ? M.left + width / 2 : M.left + (i * width) / (times.length - 1);
    const y = v => M.top + height - (v * height) / max;
    const svg = frame(figure, title);
    yAxis(svg, max, y);
    svg.append(
      s("text", { class: "tick", x: M.left, y: H - 8, "text-anchor": "start" }, time(times[0])),
      s("text", { class: "tick", x: W - M.right, y: H - 8, "text-anchor": "end" }, time(times[times.length - 1])));
    const radius = times.length > 60 ? 1.5 : 3;
    for (const one of series) {
      const group = s("g", { class: "series " + one.cls, "data-series": one.key, "data-testid": "series-" + one.key });
      group.append(s("polyline", { class: "line", points: one.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ") }));
      one.values.forEach((v, i) => group.append(
        s("circle", { class: "point", cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: radius, "data-testid": "point" },
          s("title", {}, `${time(times[i])} · ${one.label}: ${v}`))));
      svg.append(group);
    }
    figure.append(svg, legend(series),
      dataTable(["Time", ...series.map(one => one.label)], times.map((t, i) => [time(t), ...series.map(one => one.values[i])])));
  }

  /** Horizontal bars for one moment. @param {{key:string,label:string,cls:string,value:number}[]} bars */
  function barChart(figure, title, bars) {
    if (bars.length === 0) return empty(figure, "No impact snapshot recorded yet.");
    reset(figure);
    const max = niceMax(Math.max(0, ...bars.map(bar => bar.value)));
    const left = 90, width = W - left - M.right, band = (H - M.top - M.bottom) / bars.length;
    const svg = frame(figure, title);
    bars.forEach((bar, i) => {
      const top = M.top + i * band;
      const length = (bar.value * width) / max;
      svg.append(s("g", { class: "series " + bar.cls, "data-series": bar.key, "data-testid": "series-" + bar.key },
        s("text", { class: "tick", x: left - 8, y: top + band / 2 + 4, "text-anchor": "end" }, bar.label),
        s("rect", { class: "bar", x: left, y: top + band * 0.15, width: Math.max(length, 0).toFixed(1), height: (band * 0.7).toFixed(1), "data-testid": "point" },
          s("title", {}, `${bar.label}: ${bar.value}`)),
        s("text", { class: "value", x: left + length + 6, y: top + band / 2 + 4 }, String(bar.value))));
    });
    figure.append(svg, dataTable(["Worst severity", "Running images"], bars.map(bar => [bar.label, bar.value])));
  }

  window.ghCharts = { lineChart, barChart, empty };
})();
