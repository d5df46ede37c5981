import type { Output, Reporter } from '../run/reporter.ts';
import { htmlReporter } from './html/index.ts';
import { jsonReporter } from './json.ts';
import { junitReporter } from './junit.ts';
import { markdownReporter } from './markdown.ts';
import { progressReporter } from './progress.ts';
import { summaryReporter } from './summary.ts';

/** What the reporters are made from: where text goes, `--quiet`, and the files asked for. */
export interface ReporterChoice {
  out: Output;
  quiet?: boolean | undefined;
  junit?: string | undefined;
  summaryMd?: string | undefined;
}

/**
 * The end-of-run reporters by name, each made from the choice (null: not asked for). With
 * `quiet`, no progress line and no summary, and the files are written without a line naming them.
 */
export const REPORTERS = {
  progress: (c: ReporterChoice) => (c.quiet ? null : progressReporter(c.out)),
  summary: (c: ReporterChoice) => (c.quiet ? null : summaryReporter(c.out)),
  json: (c: ReporterChoice) => jsonReporter(said(c, 'result')),
  html: (c: ReporterChoice) => htmlReporter(said(c, 'report')),
  junit: (c: ReporterChoice) => (c.junit ? junitReporter(c.junit) : null),
  markdown: (c: ReporterChoice) => (c.summaryMd ? markdownReporter(c.summaryMd) : null),
} as const satisfies Record<string, (c: ReporterChoice) => Reporter | null>;

export type ReporterName = keyof typeof REPORTERS;

/** The reporters named, in that order, as the choice makes them. */
export function reportersFor(names: readonly ReporterName[], c: ReporterChoice): Reporter[] {
  return names.flatMap((n) => REPORTERS[n](c) ?? []);
}

function said(c: ReporterChoice, what: string): (path: string) => void {
  return (path) => {
    if (!c.quiet) c.out.write(`${what}: ${path}\n`);
  };
}
