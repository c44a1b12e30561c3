import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { startEmulator } from '../../emulator';
import { emulatorExecutable, realTemporalAddress } from '../support/temporal-env';
import { uniqueId } from './helpers';
import * as wf from './workflows';

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

async function connectWithRetry(address: string): Promise<Connection> {
  for (let i = 0; ; i++) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 500 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (error) {
      if (i > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
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
    const port = await freePort();
    const child = spawn(
      emulatorExecutable,
      [
        'server',
        'start-dev',
        '--port',
        String(port),
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
    const connection = await connectWithRetry(`127.0.0.1:${port}`);
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
});
