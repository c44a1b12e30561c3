/**
 * Emulator figures: starts the emulator executable in its own process (dev-server form), a worker in this one,
 * and N concurrent workflows that each take signals, an update, a timer and an activity. Prints workflow
 * tasks per second, p50/p99 latency from `signal()` returning to the workflow applying it (timestamped by a
 * local activity the workflow runs for each signal), peak memory and errors. Figures only; no assertions.
 * Run with `npm run bench:emulator [-- --workflows N --signals S --timer-ms T --concurrency C]` (C: how many
 * workflows the client starts, signals and awaits at once).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { flag, pool } from './cli';
import { addUpdate, benchEntity, bumpSignal, type BenchActivities } from './emulator-workflow';

const here = path.dirname(fileURLToPath(import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Peak resident memory of a process in MiB (VmHWM), from /proc. */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const workflows = flag('workflows', 1000);
  const signals = flag('signals', 3);
  const timerMs = flag('timer-ms', 1000);
  const concurrency = flag('concurrency', 50);
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const port = await freePort();
  const emulator = spawn(
    path.join(here, '../bin/temporal-emulator'),
    ['server', 'start-dev', '--port', String(port), '--headless'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const address = `127.0.0.1:${port}`;
  let connection: Connection | undefined;
  for (let i = 0; !connection; i++) {
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
    } catch (error) {
      connection = undefined;
      if (i > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const client = new Client({ connection });
  const taskQueue = 'bench-emulator';

  const signalSentAt = new Map<string, number>();
  const latencies: number[] = [];
  const activities: BenchActivities = {
    ack: (workflowId, seq) => {
      const sentAt = signalSentAt.get(`${workflowId}#${seq}`);
      if (sentAt !== undefined) latencies.push(performance.now() - sentAt);
      return Promise.resolve();
    },
    work: (total) => Promise.resolve(total),
  };
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue,
    workflowsPath: path.join(here, 'emulator-workflow.ts'),
    activities,
    maxConcurrentWorkflowTaskExecutions: 100,
    maxConcurrentLocalActivityExecutions: 200,
  });
  const running = worker.run();

  let peakBenchRss = 0;
  const sampler = setInterval(() => (peakBenchRss = Math.max(peakBenchRss, process.memoryUsage().rss)), 200);
  const errors: string[] = [];
  const ids = Array.from({ length: workflows }, (_, i) => `bench-${Date.now().toString(36)}-${i}`);
  const t0 = performance.now();
  await pool(ids, concurrency, async (workflowId) => {
    try {
      await client.workflow.start(benchEntity, {
        taskQueue,
        workflowId,
        args: [workflowId, signals, timerMs],
      });
    } catch (error) {
      errors.push(`start ${workflowId}: ${String(error)}`);
    }
  });
  const started = performance.now();
  await pool(ids, concurrency, async (workflowId) => {
    const handle = client.workflow.getHandle(workflowId);
    try {
      for (let seq = 1; seq <= signals; seq++) {
        await handle.signal(bumpSignal, seq);
        signalSentAt.set(`${workflowId}#${seq}`, performance.now());
      }
      await handle.executeUpdate(addUpdate, { args: [1] });
    } catch (error) {
      errors.push(`messages ${workflowId}: ${String(error)}`);
    }
  });
  const expected = (signals * (signals + 1)) / 2 + 1;
  await pool(ids, concurrency, async (workflowId) => {
    try {
      const total = await client.workflow.getHandle(workflowId).result();
      if (total !== expected) errors.push(`${workflowId}: total ${total}, expected ${expected}`);
    } catch (error) {
      errors.push(`result ${workflowId}: ${String(error)}`);
    }
  });
  const elapsedMs = performance.now() - t0;
  clearInterval(sampler);

  let workflowTasks = 0;
  await pool(ids, 50, async (workflowId) => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    workflowTasks += (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length;
  });
  const emulatorPeak = peakRssMiB(emulator.pid!);
  const emulatorCpu = cpuSeconds(emulator.pid!);
  const benchCpu = process.cpuUsage();
  worker.shutdown();
  await running;
  emulator.kill('SIGTERM');

  latencies.sort((a, b) => a - b);
  const figures = {
    workflows,
    signalsPerWorkflow: signals,
    timerMs,
    clientConcurrency: concurrency,
    completed: workflows - new Set(errors.map((e) => e.split(' ')[1])).size,
    errors: errors.length,
    elapsedSeconds: +(elapsedMs / 1000).toFixed(2),
    startPhaseSeconds: +((started - t0) / 1000).toFixed(2),
    workflowTasks,
    workflowTasksPerSecond: Math.round(workflowTasks / (elapsedMs / 1000)),
    emulatorCpuMsPerWorkflowTask: +((emulatorCpu * 1000) / workflowTasks).toFixed(2),
    signalToAppliedMs: {
      p50: +percentile(latencies, 50).toFixed(1),
      p99: +percentile(latencies, 99).toFixed(1),
      samples: latencies.length,
    },
    cpuSeconds: {
      emulator: emulatorCpu,
      benchProcessWithWorker: +((benchCpu.user + benchCpu.system) / 1e6).toFixed(2),
    },
    peakRssMiB: {
      emulator: Math.round(emulatorPeak),
      benchProcessWithWorker: Math.round(peakBenchRss / 1024 / 1024),
    },
  };
  console.log(JSON.stringify(figures, null, 2));
  for (const error of errors.slice(0, 10)) console.error(error);
  process.exit(errors.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
