import type { RunFile, RunResult } from '../result/types.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { sessionsLine } from './console-summary.ts';
import type { Reporter } from './types.ts';

/** XML-escape text and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** One JUnit test case: a name and, when it failed, why. */
export interface JUnitCase {
  classname: string;
  name: string;
  failure?: string;
  timeSec?: number;
}

/** Render JUnit XML: one testsuite per group of cases. */
export function renderJUnit(suites: Array<{ name: string; cases: JUnitCase[] }>): string {
  const total = suites.reduce((a, s) => a + s.cases.length, 0);
  const failures = suites.reduce((a, s) => a + s.cases.filter((c) => c.failure).length, 0);
  const out = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="rtbench" tests="${total}" failures="${failures}">`];
  for (const s of suites) {
    const f = s.cases.filter((c) => c.failure).length;
    out.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${s.cases.length}" failures="${f}" errors="0" skipped="0">`);
    for (const c of s.cases) {
      const attrs = `classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="${(c.timeSec ?? 0).toFixed(3)}"`;
      if (c.failure) out.push(`    <testcase ${attrs}>`, `      <failure message="${xmlEscape(c.failure)}">${xmlEscape(c.failure)}</failure>`, '    </testcase>');
      else out.push(`    <testcase ${attrs}/>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** A run's test cases: the run itself (completed, generator not saturated) and one per threshold. */
export function runCases(file: RunFile, r: RunResult): JUnitCase[] {
  const cls = `rtbench.${file.scenario.name}.${r.topology}`;
  const gate = r.thresholds.find((t) => t.subject === 'sessions.failedRate');
  const cases: JUnitCase[] = [
    { classname: cls, name: sessionsLine(r), ...(gate && !gate.ok ? { failure: `${gate.subject} ${gate.condition} failed: measured ${gate.actual ?? 'nothing'}` } : {}) },
    { classname: cls, name: 'run completed', timeSec: r.durationMs / 1000, ...(r.status === 'completed' ? {} : { failure: r.failure?.message ?? `run ${r.status}${r.abortedBy ? `: ${r.abortedBy}` : ''}` }) },
  ];
  for (const t of r.thresholds) {
    cases.push({ classname: `${cls}.thresholds`, name: `${t.subject} ${t.condition}${r.thresholdsOnPartialData ? ` (on partial data: run ${r.status})` : ''}`, ...(t.ok ? {} : { failure: `${t.subject} ${t.condition} failed: measured ${t.actual ?? 'nothing'}` }) });
  }
  return cases;
}

/** `--junit FILE`: one testsuite per topology run. */
export function junitReporter(path: string): Reporter {
  return {
    name: 'junit',
    async onEnd(file) {
      await writeFileAtomic(path, renderJUnit(file.runs.map((r) => ({ name: `${file.scenario.name} · ${r.topology}`, cases: runCases(file, r) }))));
    },
  };
}
