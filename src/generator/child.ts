/**
 * Generator child process entry. Protocol (IPC): init → ready | fatal; start → snapshot… → done.
 * A `stop` message (or SIGINT/SIGTERM) interrupts the load; what was measured is still flushed.
 */
import { resolve } from 'node:path';
import { isRtbenchError } from '../shared/errors.ts';
import { HealthMonitor, summarizeHealth, type HealthSample } from '../metrics/health.ts';
import { Recorder } from '../metrics/recorder.ts';
import { loadEngine, type EngineFactory } from '../clients/index.ts';
import { importScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { monoMs } from '../shared/clock.ts';
import type { FromGenerator, InitMessage, NetworkFaultMessage, ToGenerator } from './protocol.ts';
import { LoadRunner } from './runner.ts';

function send(msg: FromGenerator): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(msg, undefined, {}, () => resolve());
  });
}

async function main(): Promise<void> {
  let init: InitMessage | null = null;
  let loaded: { scenario: Scenario; engine: EngineFactory } | null = null;
  /** A spare's import of the scenario, begun before `init` (src/generator/spare.ts): init takes it over. */
  let preloaded: { file: string; scenario: Promise<Scenario> } | null = null;
  let runner: LoadRunner | null = null;
  let load: Load | null = null;
  let recorder: Recorder | null = null;
  /** A stop that came before `start` (the coordinator was interrupted while generators were loading). */
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    runner?.interrupt();
  };
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  process.on('message', (raw) => {
    const msg = raw as ToGenerator;
    if (msg.type === 'init') {
      init = msg;
      // the coordinator validated the file into the plan: only its functions are needed here, and
      // only its engine (loaded alongside)
      const file = msg.plan.scenario.file;
      const imported = preloaded && preloaded.file === resolve(file) ? preloaded.scenario : importScenario(file);
      Promise.all([imported, loadEngine(msg.plan.scenario.engine)])
        .then(([scenario, engine]) => {
          loaded = { scenario, engine };
          return send({ type: 'ready' });
        })
        .catch(async (e) => {
          const err = isRtbenchError(e) ? e : null;
          await send({
            type: 'fatal',
            code: err?.code ?? 'E_GENERATOR',
            message: err?.message ?? String(e),
            details: [...(err?.details ?? [])],
            ...(err?.hint ? { hint: err.hint } : {}),
          });
          process.exit(1);
        });
    } else if (msg.type === 'preload') {
      // a spare, forked before the plan: the scenario and its likely engine load now; an error is reported at init
      preloaded = { file: resolve(msg.file), scenario: importScenario(msg.file) };
      preloaded.scenario.catch(() => undefined);
      loadEngine(msg.engine).catch(() => undefined);
    } else if (msg.type === 'start' && init && loaded) {
      recorder = new Recorder(init.plan.generator);
      load = startLoad(init, loaded, msg.startAt, recorder);
      runner = load.runner;
      if (stopped) runner.interrupt();
    } else if (msg.type === 'fault') {
      recorder?.faultInjected(msg.at);
    } else if (msg.type === 'network') {
      load?.network(msg.fault);
    } else if (msg.type === 'stop') {
      stop();
    }
  });
}

/** A started load: its runner, and network faults acted on at their second. */
interface Load {
  runner: LoadRunner;
  network(f: NetworkFaultMessage['fault']): void;
}

function startLoad(init: InitMessage, { scenario, engine }: { scenario: Scenario; engine: EngineFactory }, startAt: number, recorder: Recorder): Load {
  const { plan } = init;
  const health = new HealthMonitor();
  const samples: HealthSample[] = [];
  const runner = new LoadRunner({
    scenario,
    engine,
    plan,
    sink: recorder,
    startAt,
    data: init.data,
  });
  const second = (): number => Math.max(0, Math.floor((monoMs() - startAt) / 1000));
  let nextT = 0; // the second the next periodic flush covers
  const flush = (t: number): Promise<void> => {
    const sample = health.sample(t, runner.active);
    samples.push(sample);
    return send({ type: 'snapshot', snapshot: recorder.flush(t, sample) });
  };
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    const next = startAt + (nextT + 1) * 1000;
    timer = setTimeout(
      () => {
        void flush(nextT++);
        tick();
      },
      Math.max(1, next - monoMs()),
    );
  };
  const begin = Math.max(0, startAt - monoMs());
  setTimeout(() => {
    health.start();
    tick();
  }, begin);
  /**
   * A network fault at its planned time (not before, if the message came early), its counts in its
   * own second: a flush still owed for an earlier second (this loop running late) is made first, so
   * the fault's window (src/faults/windows.ts) gets them, not the one before.
   */
  const network = (f: NetworkFaultMessage['fault']): void => {
    const wait = startAt + f.atMs - monoMs();
    if (wait > 0) return void setTimeout(() => network(f), wait + 1);
    if (timer !== undefined && nextT < Math.floor(f.atMs / 1000)) {
      clearTimeout(timer);
      while (nextT < Math.floor(f.atMs / 1000)) void flush(nextT++);
      tick();
    }
    runner.networkFault(f);
  };
  runner
    .run()
    .catch((e) => recorder.error('generator_error', e instanceof Error ? e.message : String(e)))
    .then(async () => {
      clearTimeout(timer);
      await flush(Math.max(nextT, second()));
      health.stop();
      await send({ type: 'done', health: summarizeHealth(plan.generator, process.pid, samples, runner.peakClients) });
      process.exit(0);
    });
  return { runner, network };
}

void main();
