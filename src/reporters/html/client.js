/* rtbench report: draws the charts from the JSON data block with uPlot (inlined, offline). */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('rtbench-data').textContent);
  var runs = data.runs;
  var multi = runs.length > 1;
  // well-separated hues (Tableau 10): one per metric in a single-run chart
  var metricPalette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'];
  var rendered = 0;

  function width(el) {
    return Math.max(300, Math.min(1060, (el && el.clientWidth) || 600));
  }
  function mount(id) {
    return document.getElementById(id);
  }
  function num(v, d) {
    return v == null ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d == null ? 2 : d });
  }
  function fmtMs(v) {
    return v == null ? '–' : v >= 10000 ? num(v / 1000, 1) + ' s' : num(v, v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3) + ' ms';
  }
  function fmtUnit(v, unit) {
    return unit === 'ms' ? fmtMs(v) : v == null ? '–' : num(v) + (unit ? ' ' + unit : '');
  }
  function fmtT(s) {
    if (s < 120) return num(s, 1) + ' s';
    var m = Math.floor(s / 60),
      r = Math.round(s - m * 60);
    return m + ':' + (r < 10 ? '0' : '') + r;
  }
  function pctLabel(x) {
    if (x == null) return ''; // uPlot leaves out ticks between powers of ten on a log axis
    var p = 100 * (1 - 1 / x);
    var s = p >= 99.99 ? p.toFixed(3) : p >= 99 ? p.toFixed(2) : p.toFixed(0);
    return p <= 0 ? 'p0' : 'p' + (s.indexOf('.') > 0 ? s.replace(/\.?0+$/, '') : s);
  }

  /* Legend rows show names only; values appear while the cursor is over the plot. */
  function hoverLegend() {
    function sync(u) {
      u.root.classList.toggle('idle', u.cursor.idx == null);
    }
    return { hooks: { ready: [sync], setLegend: [sync] } };
  }

  /* Dashed vertical lines with labels: phase starts (grey) and faults (red). */
  function markerPlugin(markers) {
    return {
      hooks: {
        draw: [
          function (u) {
            if (!markers || !markers.length) return;
            var ctx = u.ctx,
              top = u.bbox.top,
              h = u.bbox.height;
            ctx.save();
            ctx.font = 11 * devicePixelRatio + 'px system-ui, sans-serif';
            markers.forEach(function (m) {
              var x = Math.round(u.valToPos(m.at, 'x', true));
              if (x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) return;
              ctx.strokeStyle = m.kind === 'fault' ? '#dc2626' : '#6b7280';
              ctx.fillStyle = ctx.strokeStyle;
              ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
              ctx.lineWidth = devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + h);
              ctx.stroke();
              var w = ctx.measureText(m.label).width,
                px = x + 3 * devicePixelRatio,
                py = top + 2 * devicePixelRatio;
              ctx.fillStyle = 'rgba(255,255,255,0.85)';
              ctx.fillRect(px - devicePixelRatio, py, w + 4 * devicePixelRatio, 13 * devicePixelRatio);
              ctx.fillStyle = ctx.strokeStyle;
              ctx.fillText(m.label, px + devicePixelRatio, py + 10 * devicePixelRatio);
            });
            ctx.restore();
          },
        ],
      },
    };
  }

  var timeAxis = {
    label: 'time since start',
    incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400],
    space: 70,
    values: function (u, splits) {
      return splits.map(fmtT);
    },
  };

  function timeChart(el, title, t, lines, unit, markers, yLabel) {
    if (!el || !t.length) return null;
    var opts = {
      title: title,
      width: width(el),
      height: 230,
      plugins: [hoverLegend(), markerPlugin(markers)],
      scales: {
        x: { time: false },
        y: {
          range: function (u, min, max) {
            return [0, max > 0 ? max * (markers && markers.length ? 1.25 : 1.08) : 1];
          },
        },
      },
      axes: [
        timeAxis,
        {
          label: yLabel,
          size: 64,
          values: function (u, v) {
            return v.map(function (x) {
              return unit === 'ms' ? fmtMs(x) : num(x, 1);
            });
          },
        },
      ],
      series: [
        {
          label: 'time',
          value: function (u, v) {
            return v == null ? '' : fmtT(v);
          },
        },
      ].concat(
        lines.map(function (l) {
          return {
            label: l.label,
            stroke: l.color,
            width: l.width || 2,
            dash: l.dash,
            spanGaps: false,
            points: { show: false },
            value: function (u, v) {
              return fmtUnit(v, unit);
            },
          };
        }),
      ),
    };
    var u = new uPlot(
      opts,
      [t].concat(
        lines.map(function (l) {
          return l.values;
        }),
      ),
      el,
    );
    rendered++;
    return u;
  }

  /* Align several runs' series on one time axis (runs may differ in length). */
  function alignT(list) {
    var n = 0;
    list.forEach(function (r) {
      n = Math.max(n, r.series.t.length);
    });
    var t = [];
    for (var i = 0; i < n; i++) t.push(i);
    return t;
  }
  function pad(arr, n) {
    var out = arr.slice(0, n);
    while (out.length < n) out.push(null);
    return out;
  }

  function curveOpts(el, title, unit, series) {
    return {
      title: title,
      width: width(el),
      height: 320,
      plugins: [hoverLegend()],
      // x ends at the data's highest percentile (a log scale would stretch to the next decade, a third of the width empty)
      scales: {
        x: {
          distr: 3,
          time: false,
          range: function (u, min, max) {
            return [1, Math.max(2, max || 2)];
          },
        },
        y: { distr: 3 },
      },
      axes: [
        {
          label: 'percentile',
          // explicit ticks p0 p50 p90 p99 …, every one labelled (uPlot's log axis would drop p50's), and the last percentile drawn
          splits: function (u) {
            var max = u.scales.x.max,
              out = [1, 2, 10, 100, 1000, 10000, 100000, 1000000, 10000000].filter(function (x) {
                return x <= max * 1.01;
              });
            if (max > out[out.length - 1] * 1.6) out.push(max);
            return out;
          },
          filter: function (u, splits) {
            return splits;
          },
          values: function (u, v) {
            var labels = v.map(pctLabel);
            el.setAttribute('data-x-max', String(u.scales.x.max));
            el.setAttribute('data-x-ticks', labels.join(' '));
            return labels;
          },
        },
        {
          label: unit === 'ms' ? 'latency' : unit,
          size: 64,
          values: function (u, v) {
            return v.map(function (x) {
              return fmtUnit(x, unit);
            });
          },
        },
      ],
      series: [
        {
          label: 'percentile',
          value: function (u, v) {
            return v == null ? '' : pctLabel(v);
          },
        },
      ].concat(series),
    };
  }

  function columns(curves) {
    var xs = {};
    curves.forEach(function (c) {
      c.forEach(function (p) {
        xs[p[0]] = true;
      });
    });
    var xv = Object.keys(xs)
      .map(Number)
      .sort(function (a, b) {
        return a - b;
      });
    return [xv].concat(
      curves.map(function (c) {
        var m = {};
        c.forEach(function (p) {
          m[p[0]] = p[1];
        });
        return xv.map(function (x) {
          return x in m ? m[x] : null;
        });
      }),
    );
  }

  function chip(host, text, color, on, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'chip' + (on ? ' on' : '');
    b.setAttribute('aria-pressed', String(on));
    var dot = document.createElement('span');
    dot.className = 'dot';
    dot.style.background = color;
    b.appendChild(dot);
    b.appendChild(document.createTextNode(text));
    b.addEventListener('click', function () {
      onClick(b);
    });
    host.appendChild(b);
    return b;
  }

  var PRIMARY = ['connect', 'ack', 'broadcast', 'push', 'reconnect'];
  function metricNames() {
    var seen = {},
      names = [];
    runs.forEach(function (r) {
      Object.keys(r.curves).forEach(function (n) {
        if (!seen[n]) {
          seen[n] = true;
          names.push(n);
        }
      });
    });
    names.sort(function (a, b) {
      var ia = PRIMARY.indexOf(a),
        ib = PRIMARY.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    return names;
  }

  /* One run: every metric is a selectable curve (the main ones on); variants (ack:<event>) dashed. */
  function singleCurves(el, pick) {
    var r = runs[0];
    var names = metricNames();
    if (!names.length) return;
    var on = names.filter(function (n) {
      return PRIMARY.indexOf(n) >= 0 || n === r.main;
    });
    if (!on.length) on = names.slice(0, 3);
    var unit = r.units[names[0]] || 'ms';
    var series = names.map(function (n, i) {
      return {
        label: n,
        stroke: metricPalette[i % metricPalette.length],
        width: 2,
        dash: n.indexOf(':') > 0 ? [6, 4] : undefined,
        show: on.indexOf(n) >= 0,
        spanGaps: true,
        points: { show: false },
        value: function (u, v) {
          return fmtUnit(v, r.units[n] || unit);
        },
      };
    });
    var u = new uPlot(
      curveOpts(el, 'Latency by percentile', unit, series),
      columns(
        names.map(function (n) {
          return r.curves[n];
        }),
      ),
      el,
    );
    rendered++;
    names.forEach(function (n, i) {
      chip(pick, n, metricPalette[i % metricPalette.length], on.indexOf(n) >= 0, function (b) {
        var show = !b.classList.contains('on');
        b.classList.toggle('on', show);
        b.setAttribute('aria-pressed', String(show));
        u.setSeries(i + 1, { show: show });
      });
    });
  }

  /* Several runs: one metric at a time, one curve per run (overlaid). */
  function overlayCurves(el, pick) {
    var names = metricNames();
    if (!names.length) return;
    var current = null,
      chips = [];
    function draw(name) {
      if (current) current.destroy();
      else rendered++;
      var unit = 'ms';
      runs.forEach(function (r) {
        if (r.units[name]) unit = r.units[name];
      });
      var series = runs.map(function (r) {
        return {
          label: r.label,
          stroke: r.color,
          width: 2,
          spanGaps: true,
          points: { show: false },
          value: function (u, v) {
            return fmtUnit(v, unit);
          },
        };
      });
      current = new uPlot(
        curveOpts(el, name + ' latency by percentile', unit, series),
        columns(
          runs.map(function (r) {
            return r.curves[name] || [];
          }),
        ),
        el,
      );
      el.setAttribute('data-metric', name);
      el.setAttribute(
        'data-series',
        String(
          runs.filter(function (r) {
            return r.curves[name];
          }).length,
        ),
      );
    }
    var main = runs[0].main;
    var first = main && names.indexOf(main) >= 0 ? main : names.indexOf('ack') >= 0 ? 'ack' : names[0];
    names.forEach(function (n) {
      chips.push(
        chip(pick, n, '#9ca3af', n === first, function (b) {
          chips.forEach(function (c) {
            c.classList.remove('on');
            c.setAttribute('aria-pressed', 'false');
          });
          b.classList.add('on');
          b.setAttribute('aria-pressed', 'true');
          draw(n);
        }),
      );
    });
    draw(first);
  }

  /* The scenario's custom metrics per second: each trend's p99; each counter's increase and the checks. */
  function customCharts(s, markers) {
    var palette = ['#4e79a7', '#f28e2b', '#76b7b2', '#b07aa1', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];
    var trends = Object.keys(s.custom.trendsP99).map(function (n, i) {
      return { label: n + ' p99', values: s.custom.trendsP99[n], color: palette[i % palette.length] };
    });
    timeChart(mount('ts-custom-trends'), 'Custom trends: p99 within each second', s.t, trends, 'ms', markers, 'latency');
    var counts = Object.keys(s.custom.counters).map(function (n, i) {
      return { label: n + ' /s', values: s.custom.counters[n], color: palette[i % palette.length] };
    });
    if (s.custom.checks) {
      counts.push({ label: 'checks passed /s', values: s.custom.checks.passed, color: '#59a14f', width: 1.5 });
      counts.push({ label: 'checks failed /s', values: s.custom.checks.failed, color: '#e15759', width: 1.5 });
    }
    timeChart(mount('ts-custom-counts'), 'Custom counters and checks per second', s.t, counts, '', markers, 'per second');
  }

  /* sent + received of a second (null where the second is left out: a run's short last second). */
  function sumAt(s) {
    return function (v, i) {
      return v == null || s.received[i] == null ? null : v + s.received[i];
    };
  }

  function timeSeries() {
    var markers = runs[0].markers;
    if (!multi) {
      var s = runs[0].series;
      var total = s.sent.map(sumAt(s));
      timeChart(
        mount('ts-throughput'),
        'Throughput: messages per second',
        s.t,
        [
          { label: 'sent + received', values: total, color: '#4e79a7' },
          { label: 'sent', values: s.sent, color: '#f28e2b', width: 1.5 },
          { label: 'received', values: s.received, color: '#59a14f', width: 1.5 },
        ],
        'msgs/s',
        markers,
        'msgs/s',
      );
      /* every round trip the run timed (acks, requests, token streams' first event), its main latency first, connect dashed */
      var any = function (v) {
        return (
          v &&
          v.some(function (x) {
            return x != null;
          })
        );
      };
      var lines = [];
      if (any(s.ackP99)) lines.push({ label: 'ack p50', values: s.ackP50, color: '#4e79a7' }, { label: 'ack p99', values: s.ackP99, color: '#e15759' });
      if (any(s.requestP99)) lines.push({ label: 'request p99', values: s.requestP99, color: '#f28e2b' });
      if (any(s.sseFirstP99)) lines.push({ label: 'sse:first p99', values: s.sseFirstP99, color: '#59a14f' });
      var own = runs[0].main;
      if (own && own !== 'ack' && own !== 'request' && own !== 'sse:first' && any(s.mainP99))
        lines.push({ label: own + ' p99', values: s.mainP99, color: '#76b7b2' });
      lines.sort(function (a, b) {
        return (b.label.indexOf((own || 'ack') + ' ') === 0) - (a.label.indexOf((own || 'ack') + ' ') === 0);
      });
      lines.push({ label: 'connect p99', values: s.connectP99, color: '#b07aa1', dash: [6, 4] });
      timeChart(mount('ts-latency'), 'Latency within each second', s.t, lines, 'ms', markers, 'latency');
      timeChart(
        mount('ts-connections'),
        'Connected clients and sessions started',
        s.t,
        [
          { label: 'connected', values: s.connected, color: '#4e79a7' },
          { label: 'sessions started /s', values: s.started, color: '#f28e2b', width: 1.5 },
        ],
        '',
        markers,
        'clients · sessions/s',
      );
      timeChart(mount('ts-errors'), 'Errors per second', s.t, [{ label: 'errors /s', values: s.errors, color: '#e15759' }], 'errors/s', markers, 'errors/s');
      if (s.custom) customCharts(s, markers);
      return;
    }
    var t = alignT(runs);
    function over(id, title, pickFn, unit, yLabel) {
      timeChart(
        mount(id),
        title,
        t,
        runs.map(function (r) {
          return { label: r.label, values: pad(pickFn(r.series), t.length), color: r.color };
        }),
        unit,
        markers,
        yLabel,
      );
    }
    over(
      'ts-throughput',
      'Throughput: messages sent + received per second',
      function (s) {
        return s.sent.map(sumAt(s));
      },
      'msgs/s',
      'msgs/s',
    );
    var mainName = runs[0].main || 'ack';
    over(
      'ts-latency',
      mainName + ' p99 within each second',
      function (s) {
        return s.mainP99 || s.ackP99;
      },
      'ms',
      'latency',
    );
    over(
      'ts-connections',
      'Connected clients',
      function (s) {
        return s.connected;
      },
      'clients',
      'clients',
    );
    over(
      'ts-errors',
      'Errors per second',
      function (s) {
        return s.errors;
      },
      'errors/s',
      'errors/s',
    );
  }

  /* Connections per worker, 1 to 64+ workers: bars capped in width, a mean line, short labels. */
  function workersChart(el, r) {
    var ids = r.workers.ids,
      counts = r.workers.counts;
    if (!el || ids.length < 2) return;
    var prefix = ids[0].replace(/[0-9]+$/, '');
    var short = ids.map(function (id) {
      return id.indexOf(prefix) === 0 &&
        ids.every(function (x) {
          return x.indexOf(prefix) === 0;
        })
        ? '#' + id.slice(prefix.length)
        : id;
    });
    var xs = ids.map(function (_, i) {
      return i;
    });
    var mean =
      counts.reduce(function (a, b) {
        return a + b;
      }, 0) / counts.length;
    var max = Math.max.apply(null, counts);
    var opts = {
      title: 'Connections per worker',
      width: width(el),
      height: 220,
      plugins: [hoverLegend()],
      scales: { x: { time: false, range: [-0.6, ids.length - 0.4] }, y: { range: [0, Math.max(1, max * 1.12)] } },
      axes: [
        {
          label: 'worker',
          incrs: [1, 2, 4, 8, 16, 32],
          space: 28,
          values: function (u, v) {
            return v.map(function (i) {
              return short[i] === undefined ? '' : short[i];
            });
          },
        },
        { label: 'connections', size: 64 },
      ],
      series: [
        {
          label: 'worker',
          value: function (u, i) {
            return i == null ? '' : ids[i];
          },
        },
        {
          label: 'connections',
          stroke: '#4e79a7',
          fill: 'rgba(78,121,167,0.55)',
          paths: uPlot.paths.bars({ size: [0.72, 44], gap: 1 }),
          points: { show: false },
          value: function (u, v) {
            return num(v, 0);
          },
        },
        {
          label: 'mean',
          stroke: '#e15759',
          dash: [5, 4],
          width: 1.5,
          points: { show: false },
          value: function () {
            return num(mean, 1);
          },
        },
      ],
    };
    new uPlot(
      opts,
      [
        xs,
        counts,
        xs.map(function () {
          return mean;
        }),
      ],
      el,
    );
    rendered++;
  }

  if (mount('curve')) (multi ? overlayCurves : singleCurves)(mount('curve'), mount('curve-pick'));
  timeSeries();
  runs.forEach(function (r, i) {
    var el = mount('workers-' + i),
      box = el && el.closest('details');
    if (box && !box.open)
      box.addEventListener('toggle', function once() {
        box.removeEventListener('toggle', once);
        workersChart(el, r);
      });
    else workersChart(el, r);
  });
  document.body.setAttribute('data-charts', String(rendered));
})();
