import type { RunFile, RunResult } from '../result/types.ts';
import { deliveryProperties } from './delivery.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { sessionsLine } from './console-summary.ts';
import type { Reporter } from '../run/reporter.ts';
import { customView, declaredIn } from './custom.ts';

/** XML-escape text and attribute values. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** One JUnit test case: a name and, when it failed, why. */
export interface JUnitCase {
  classname: string;
  name: string;
  failure?: string;
  timeSec?: number;
}

/** Render JUnit XML: one testsuite per group of cases, with optional `<properties>` (name, value). */
export function renderJUnit(suites: Array<{ name: string; cases: JUnitCase[]; properties?: Array<[string, string]> }>): string {
  const total = suites.reduce((a, s) => a + s.cases.length, 0);
  const failures = suites.reduce((a, s) => a + s.cases.filter((c) => c.failure).length, 0);
  const out = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="rtbench" tests="${total}" failures="${failures}">`];
  for (const s of suites) {
    const f = s.cases.filter((c) => c.failure).length;
    out.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${s.cases.length}" failures="${f}" errors="0" skipped="0">`);
    if (s.properties?.length)
      out.push('    <properties>', ...s.properties.map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`), '    </properties>');
    for (const c of s.cases) {
      const attrs = `classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="${(c.timeSec ?? 0).toFixed(3)}"`;
      if (c.failure)
        out.push(`    <testcase ${attrs}>`, `      <failure message="${xmlEscape(c.failure)}">${xmlEscape(c.failure)}</failure>`, '    </testcase>');
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
    {
      classname: cls,
      name: sessionsLine(r),
      ...(gate && !gate.ok ? { failure: `${gate.subject} ${gate.condition} failed: measured ${gate.actual ?? 'nothing'}` } : {}),
    },
    {
      classname: cls,
      name: 'run completed',
      timeSec: r.durationMs / 1000,
      ...(r.status === 'completed' ? {} : { failure: r.failure?.message ?? `run ${r.status}${r.abortedBy ? `: ${r.abortedBy}` : ''}` }),
    },
  ];
  for (const t of r.thresholds) {
    cases.push({
      classname: `${cls}.thresholds`,
      name: `${t.subject} ${t.condition}${r.thresholdsOnPartialData ? ` (on partial data: run ${r.status})` : ''}`,
      ...(t.ok ? {} : { failure: `${t.subject} ${t.condition} failed: measured ${t.actual ?? 'nothing'}${t.note && t.actual !== null ? ` (${t.note})` : ''}` }),
    });
  }
  return cases;
}

/**
 * A run's custom figures as testsuite properties (informative; gates are thresholds):
 * `fanout.p99`, `delivered.count`, `checks.failed`, `check:<name>.failed`, `session:<kind>.failed`, …
 */
export function customProperties(file: RunFile, r: RunResult): Array<[string, string]> {
  const v = customView(r, declaredIn(file));
  const out: Array<[string, string]> = [];
  for (const t of v.trends)
    out.push([`${t.name}.count`, String(t.summary.count)], [`${t.name}.p50`, String(t.summary.p50)], [`${t.name}.p99`, String(t.summary.p99)]);
  for (const c of v.counters) out.push([`${c.name}.count`, String(c.count)]);
  if (v.checks) {
    out.push(['checks.passed', String(v.checks.pass)], ['checks.failed', String(v.checks.fail)]);
    for (const c of v.checks.byName) out.push([`check:${c.name}.passed`, String(c.pass)], [`check:${c.name}.failed`, String(c.fail)]);
  }
  for (const k of v.kinds)
    out.push(
      [`session:${k.name}.started`, String(k.started)],
      [`session:${k.name}.completed`, String(k.completed)],
      [`session:${k.name}.failed`, String(k.failed)],
    );
  return out;
}

/** `--junit FILE`: one testsuite per topology run. */
export function junitReporter(path: string): Reporter {
  return {
    name: 'junit',
    async onEnd(file) {
      await writeFileAtomic(
        path,
        renderJUnit(
          file.runs.map((r) => ({
            name: `${file.scenario.name} · ${r.topology}`,
            cases: runCases(file, r),
            properties: [...customProperties(file, r), ...deliveryProperties(r)],
          })),
        ),
      );
    },
  };
}
