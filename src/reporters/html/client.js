/* rtbench report: draws the charts from the JSON data block with uPlot (inlined, offline). */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('rtbench-data').textContent);
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
  var rendered = 0;
  function width(el) { return Math.max(320, Math.min(900, el.clientWidth || 600)); }
  function mount(id) { return document.getElementById(id); }
  function pctLabel(x) {
    var p = 100 * (1 - 1 / x);
    return p === 0 ? '0%' : (p >= 99.99 ? p.toFixed(3) : p >= 99 ? p.toFixed(2) : p.toFixed(0)) + '%';
  }
  function curveChart(el, curves, title) {
    var names = Object.keys(curves);
    if (!names.length) return;
    var xs = {};
    names.forEach(function (n) { curves[n].forEach(function (p) { xs[p[0]] = true; }); });
    var xv = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
    var cols = [xv];
    names.forEach(function (n) {
      var m = {};
      curves[n].forEach(function (p) { m[p[0]] = p[1]; });
      cols.push(xv.map(function (x) { return x in m ? m[x] : null; }));
    });
    var maxX = xv[xv.length - 1];
    var ticks = [1, 2, 10, 100, 1000, 10000, 100000, 1000000, 10000000].filter(function (t) { return t <= maxX * 1.01; });
    var opts = {
      title: title, width: width(el), height: 300,
      scales: { x: { distr: 3, time: false, range: [1, maxX] }, y: { distr: 3 } },
      axes: [{ label: 'percentile (log scale of 1/(1-p))', splits: function () { return ticks; }, values: function () { return ticks.map(pctLabel); } }, { label: 'ms' }],
      series: [{ label: 'percentile', value: function (u, v) { return v == null ? '-' : pctLabel(v); } }].concat(names.map(function (n, i) {
        return { label: n, stroke: palette[i % palette.length], width: 2, spanGaps: true };
      })),
    };
    new uPlot(opts, cols, el);
    rendered++;
  }
  function lineChart(el, title, t, lines, yLabel) {
    if (!t.length) return;
    var opts = {
      title: title, width: width(el), height: 220,
      scales: { x: { time: false } },
      axes: [{ label: 'seconds' }, { label: yLabel }],
      series: [{ label: 's' }].concat(lines.map(function (l, i) { return { label: l.label, stroke: palette[i % palette.length], width: 2, spanGaps: false }; })),
    };
    new uPlot(opts, [t].concat(lines.map(function (l) { return l.values; })), el);
    rendered++;
  }
  function barChart(el, title, ids, counts) {
    if (!ids.length) return;
    var xs = ids.map(function (_, i) { return i; });
    var opts = {
      title: title, width: width(el), height: 220,
      scales: { x: { time: false, range: [-0.5, ids.length - 0.5] } },
      axes: [{ values: function (u, v) { return v.map(function (i) { return ids[i] === undefined ? '' : ids[i]; }); }, space: 20 }, { label: 'connections' }],
      series: [{}, { label: 'connections', stroke: palette[0], fill: 'rgba(37,99,235,0.35)', paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false } }],
    };
    new uPlot(opts, [xs, counts], el);
    rendered++;
  }
  data.runs.forEach(function (r, i) {
    curveChart(mount('curve-' + i), r.curves, 'Latency by percentile — ' + r.label);
    lineChart(mount('tp-' + i), 'Throughput (msgs/s)', r.series.t, [{ label: 'msgs/s', values: r.series.throughput }], 'msgs/s');
    lineChart(mount('lat-' + i), 'Ack latency per second', r.series.t, [{ label: 'p50', values: r.series.p50 }, { label: 'p99', values: r.series.p99 }], 'ms');
    lineChart(mount('conn-' + i), 'Connected clients and errors', r.series.t, [{ label: 'connected', values: r.series.connected }, { label: 'errors', values: r.series.errors }], 'count');
    barChart(mount('workers-' + i), 'Connections per worker', r.workers.ids, r.workers.counts);
  });
  document.body.setAttribute('data-charts', String(rendered));
})();
