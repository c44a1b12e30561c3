import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { alive } from '../../config/leftover-process';
import { startEmulator } from '../../emulator';
import { emulatorExecutable, realTemporalAddress } from '../support/temporal-env';
import { eventually, uniqueId } from './helpers';
import * as wf from './workflows';

/** The address the emulator executable prints once it serves (it listens on `--port 0`: any free port). */
function servingAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving Temporal's gRPC API at (\S+) /.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`the emulator exited (${code}) before serving:\n${output}`)),
    );
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

describe('running the emulator', () => {
  beforeEach((ctx) =>
    ctx.skip(realTemporalAddress() !== undefined, 'starts emulators of its own: not a contract test'),
  );
  test('startEmulator() serves the SDK in-process and reports in-memory state', async () => {
    const emulator = await startEmulator({ port: 0, namespace: 'orquesta' });
    try {
      expect(emulator.address).toBe(`127.0.0.1:${emulator.port}`);
      expect(emulator.inMemory).toBe(true);
      const nativeConnection = await NativeConnection.connect({ address: emulator.address });
      const connection = await Connection.connect({ address: emulator.address });
      const client = new Client({ connection, namespace: 'orquesta' });
      const handle = await client.workflow.start(wf.counter, {
        taskQueue: 'in-process',
        workflowId: uniqueId('inproc'),
        args: [0],
      });
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await handle.terminate();
      expect(emulator.engine.namespaces.get('orquesta')?.runs.size).toBe(1);
      await connection.close();
      await nativeConnection.close();
    } finally {
      await emulator.shutdown();
    }
  });

  test('the executable serves another process in the dev-server form, ignoring unknown flags', async () => {
    const child = spawn(
      emulatorExecutable,
      [
        'server',
        'start-dev',
        '--port',
        '0',
        '--namespace',
        'standalone',
        '--ip',
        '127.0.0.1',
        '--db-filename',
        '/tmp/x.db',
        '--ui-port',
        '1',
        '--log-level',
        'warn',
        '--dynamic-config-value',
        'a=b',
        '--headless',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(child);
    const address = await servingAddress(child);
    expect(address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    const connection = await Connection.connect({ address });
    const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'standalone' });
    expect(namespaceInfo?.name).toBe('standalone');
    const client = new Client({ connection, namespace: 'standalone' });
    const handle = await client.workflow.start(wf.counter, {
      taskQueue: 'nobody-polls',
      workflowId: uniqueId('remote'),
      args: [0],
    });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await connection.close();
  });

  test('the executable stops when the process that started it dies without stopping it', async () => {
    // A shell starts it and is killed: the emulator is re-parented, as when a test worker crashes.
    const launcher = spawn(
      'sh',
      ['-c', `"${emulatorExecutable}" server start-dev --port 0 & echo $!; wait`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(launcher);
    const pid = await new Promise<number>((resolve) =>
      launcher.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    try {
      await servingAddress(launcher);
      expect(alive(pid)).toBe(true);
      launcher.kill('SIGKILL');
      await eventually(() => Promise.resolve(!alive(pid)));
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
