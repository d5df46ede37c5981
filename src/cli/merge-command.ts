import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadResult } from '../compare/load-result.ts';
import { environment } from '../result/environment.ts';
import { InputError } from '../shared/errors.ts';
import { reportersFor } from '../reporters/registry.ts';
import type { Output } from '../run/reporter.ts';
import { exitCodeOf } from '../run/run.ts';
import { describeMerge, mergeShards, type ShardInput } from '../shard/merge.ts';
import { extractResultLines } from '../shard/result-line.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { ExitCode } from '../shared/errors.ts';
import { failedGateLine } from '../reporters/verdict-line.ts';

export interface MergeArgs {
  out: string;
  quiet?: boolean;
  junit?: string;
  summaryMd?: string;
}

/** Merge shard inputs, write result.json + report.html (and JUnit/Markdown), return the run's exit code. */
async function mergeAndReport(inputs: ShardInput[], a: MergeArgs, out: Output): Promise<number> {
  const file = mergeShards(inputs, await environment());
  const reporters = reportersFor(['summary', 'json', 'html', 'junit', 'markdown'], { out, quiet: a.quiet, junit: a.junit, summaryMd: a.summaryMd });
  if (!a.quiet) out.write(describeMerge(file));
  for (const r of reporters) await r.onEnd?.(file, { outDir: a.out });
  const code = exitCodeOf(file.runs);
  // --quiet prints no summary, but a failed gate still says why in one line
  if (a.quiet && code === ExitCode.thresholdsFailed) out.write(`${failedGateLine(file) ?? 'rtbench: thresholds FAILED'}\n`);
  return code;
}

/** `rtbench merge <shard result.json>... --out DIR`: exit 99 when a threshold fails on the merge. */
export async function mergeCommand(a: MergeArgs & { files: string[] }, out: Output): Promise<number> {
  const inputs = await Promise.all(a.files.map(async (source) => ({ file: await loadResult(source), source })));
  return mergeAndReport(inputs, a, out);
}

async function readSource(source: string): Promise<string> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(source, 'utf8');
  } catch {
    throw new InputError('E_USAGE', `log file not found: ${source}`, {
      hint: 'pass files with pod logs (e.g. from `kubectl logs -l job-name=JOB --prefix --tail=-1 > logs.txt`), or - for standard input',
    });
  }
}

/**
 * `rtbench collect <logs>... --out DIR`: find the RTBENCH_RESULT lines in pod logs, keep each
 * shard result in DIR/shards/, and merge them like `rtbench merge`.
 */
export async function collectCommand(a: MergeArgs & { logs: string[] }, out: Output): Promise<number> {
  // yargs hands `-` over as no argument at all: no files means standard input (unless it is a terminal)
  if (a.logs.length === 0 || a.logs.every((l) => l === '' || l === '-')) {
    if (process.stdin.isTTY)
      throw new InputError('E_USAGE', '`rtbench collect` needs log files, or - with the logs on standard input', {
        hint: 'e.g. `kubectl logs -l job-name=JOB --prefix --tail=-1 | npx rtbench collect - --out DIR`',
      });
    a = { ...a, logs: ['-'] };
  }
  const inputs: ShardInput[] = [];
  for (const source of a.logs) {
    for (const { file, where } of extractResultLines(await readSource(source), source === '-' ? 'stdin' : source)) inputs.push({ file, source: where });
  }
  if (inputs.length === 0) {
    throw new InputError('E_RESULT_LINE', `no RTBENCH_RESULT line in ${a.logs.join(', ')}`, {
      hint: 'the shards print it when they finish (`rtbench run --print-result-line`, set by `rtbench k8s` manifests): wait for the Job to complete, then `kubectl logs -l job-name=JOB --prefix --tail=-1`',
    });
  }
  for (const [k, { file }] of inputs.entries()) {
    const s = file.shard;
    const name = s ? `shard-${s.index}-of-${s.count}.json` : `result-${k}.json`;
    await writeFileAtomic(join(a.out, 'shards', name), `${JSON.stringify(file, null, 2)}\n`);
  }
  if (!a.quiet) out.write(`collected ${inputs.length} shard result${inputs.length > 1 ? 's' : ''} into ${join(a.out, 'shards')}/\n`);
  return mergeAndReport(inputs, a, out);
}
