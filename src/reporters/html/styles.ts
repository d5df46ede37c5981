/** The report's stylesheet (inlined; the CSP allows inline styles only). */
export const STYLES = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--good:#15803d;--goodbg:#dcfce7;--warn:#a16207;--warnbg:#fef9c3;--bad:#b91c1c;--badbg:#fee2e2}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--fg);background:var(--bg)}
main{max-width:1120px;margin:0 auto;padding:20px 16px 48px}
h1{font-size:22px;margin:0 0 2px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:18px 0 6px}
.muted,.sub{color:var(--muted);font-weight:normal}.meta{color:var(--muted);margin:0 0 14px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f5f9;padding:1px 4px;border-radius:3px}
.verdict{border-radius:8px;padding:12px 16px;margin:8px 0 16px;border:1px solid}
.verdict.good{background:var(--goodbg);border-color:#86efac}.verdict.warn{background:var(--warnbg);border-color:#fde047}.verdict.bad{background:var(--badbg);border-color:#fca5a5}
.headline{font-size:20px;font-weight:700;letter-spacing:.02em;margin-bottom:6px}
.verdict.good .headline{color:var(--good)}.verdict.warn .headline{color:var(--warn)}.verdict.bad .headline{color:var(--bad)}
.checks{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:4px 0}.who{font-weight:600;margin-right:4px}
.chk{background:#fff;border-radius:6px;padding:2px 10px;border:1px solid var(--line)}
.chk.good{color:var(--good)}.chk.warn{color:var(--warn);border-color:#fde047}.chk.bad{color:var(--bad);border-color:#fca5a5;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-top:4px solid #4e79a7;border-radius:8px;padding:10px 14px}
.card-h{margin-bottom:8px}.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px 14px;grid-auto-flow:dense}
.fig .v{font-size:18px;font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap}.fig .l{font-size:12px;color:var(--muted)}
.fig.wide{grid-column:span 2}.fig.bad .v{color:var(--bad)}.fig.warn .v{color:var(--warn)}.sep{color:var(--muted);font-weight:400}
table{border-collapse:collapse;margin:6px 0;background:#fff;font-variant-numeric:tabular-nums}
td,th{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}th{font-weight:600;color:#374151;background:#f9fafb}
table.num td,table.num th{text-align:right}table.num td:first-child,table.num th:first-child,table.num td:nth-child(2):has(code){text-align:left}
table.num td:has(code),table.num td:has(.l),table.num th:nth-child(2){text-align:left}
table.kv thead{display:none}table.kv td:first-child{color:var(--muted);white-space:nowrap}
table.errors td:nth-child(2),table.errors td:nth-child(3),table.errors th:nth-child(2),table.errors th:nth-child(3){text-align:right}
.msg{white-space:pre-wrap;word-break:break-word;font:12px ui-monospace,Menlo,monospace}
.ok{color:var(--good)}.fail{color:var(--bad);font-weight:600}
.vd{padding:1px 8px;border-radius:999px;white-space:nowrap}.vd.regression{background:var(--badbg);color:var(--bad);font-weight:700}.vd.worse{background:var(--warnbg);color:var(--warn)}.vd.improved{background:var(--goodbg);color:var(--good)}.vd.ok{color:var(--muted)}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px;margin:8px 0}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:12px}.grid2 .panel{margin:0;min-width:0}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:2px 0 6px}
.chip{font:12px system-ui,sans-serif;border:1px solid var(--line);background:#fff;border-radius:999px;padding:2px 10px;cursor:pointer;color:var(--muted)}
.chip.on{color:var(--fg);border-color:#94a3b8;background:#f1f5f9}.chip .dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:5px;opacity:.35}.chip.on .dot{opacity:1}
.uplot .u-title{font-size:13px;font-weight:600}
.uplot .u-legend{font-size:12px;text-align:left}.uplot .u-legend .u-series{padding:0 6px}
.uplot.idle .u-legend .u-value{display:none}.uplot.idle .u-legend th::after{content:none}.uplot .u-legend .u-marker{border-width:3px}.uplot.idle .u-legend .u-series:first-child{display:none}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
section.run{margin-top:20px}.envs{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
@media (max-width:900px){.grid2{grid-template-columns:1fr}}
`;
