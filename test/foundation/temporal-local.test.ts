import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveTemporalCli, TemporalCliUnavailableError } from '../../worker/temporal-cli';
import { temporalConnectionOptions } from '../../worker/temporal-connection';
import { DevServerError, startDevServer } from '../../worker/temporal-dev-server';
import { freePort } from '../support/free-port';
import { projectRoot } from '../support/orquesta-process';

const scratch = () => mkdtempSync(path.join(tmpdir(), 'orquesta-cli-'));

/** A stand-in `temporal` that answers `--version` as the real one does. */
function fakeCli(dir: string): string {
  const file = path.join(dir, 'temporal');
  writeFileSync(file, '#!/bin/sh\necho "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"\n');
  chmodSync(file, 0o755);
  return file;
}

describe('finding the Temporal CLI', () => {
  it('takes TEMPORAL_CLI_PATH first, and refuses one that does not run', async () => {
    const cli = fakeCli(scratch());
    const found = await resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: cli, PATH: '' }, install: false });
    expect(found).toMatchObject({ path: cli, source: 'TEMPORAL_CLI_PATH' });
    expect(found.version).toContain('Server 1.29.1');
    await expect(
      resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal', PATH: '' }, install: false }),
    ).rejects.toThrow(/TEMPORAL_CLI_PATH=\/nonexistent\/temporal is not a working Temporal CLI/);
  });

  it('finds a copy installed earlier in the user cache, then on PATH; without one and without installing, says what to run', async () => {
    const cache = scratch();
    const cached = path.join(cache, 'orquesta', 'temporal-cli', 'v1.5.1');
    const bin = scratch();
    fakeCli(bin);
    expect(
      await resolveTemporalCli({ env: { XDG_CACHE_HOME: cache, PATH: bin }, install: false }),
    ).toMatchObject({
      path: path.join(bin, 'temporal'),
      source: 'PATH',
    });
    spawnSync('mkdir', ['-p', cached]);
    fakeCli(cached);
    expect(
      await resolveTemporalCli({ env: { XDG_CACHE_HOME: cache, PATH: bin }, install: false }),
    ).toMatchObject({
      path: path.join(cached, 'temporal'),
      source: 'user cache',
    });
    const none = resolveTemporalCli({ env: { XDG_CACHE_HOME: scratch(), PATH: '' }, install: false });
    await expect(none).rejects.toBeInstanceOf(TemporalCliUnavailableError);
    await expect(none).rejects.toThrow(/run `npm run temporal:cli` to install it/);
  });

  it('`npm run temporal:cli` prints the path as its last line', () => {
    const cli = fakeCli(scratch());
    const run = spawnSync('npm', ['run', 'temporal:cli'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', TEMPORAL_CLI_PATH: cli },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(cli);
  });
});

describe('starting the dev server', () => {
  it('names the port and what to do when another program holds it', async () => {
    const port = await freePort();
    const holder = net.createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => holder.once('listening', resolve));
    try {
      const start = startDevServer({
        cliPath: fakeCli(scratch()),
        stateDir: scratch(),
        persist: true,
        ip: '127.0.0.1',
        port,
        namespace: 'default',
      });
      await expect(start).rejects.toBeInstanceOf(DevServerError);
      await expect(start).rejects.toThrow(
        new RegExp(
          `cannot listen on 127\\.0\\.0\\.1:${port} \\(gRPC\\): another program holds that port.*TEMPORAL_ADDRESS`,
        ),
      );
    } finally {
      holder.close();
    }
  });

  it('reports a server that stops at start, with the end of its log', async () => {
    const dir = scratch();
    const broken = path.join(dir, 'temporal');
    writeFileSync(broken, '#!/bin/sh\necho "bind: permission denied" >&2\nexit 3\n');
    chmodSync(broken, 0o755);
    const start = startDevServer({
      cliPath: broken,
      stateDir: scratch(),
      persist: false,
      ip: '127.0.0.1',
      port: await freePort(), // the Temporal CLI needs its port up front: see freePort
      namespace: 'default',
    });
    await expect(start).rejects.toThrow(/stopped at start \(exit code 3\)[\s\S]*bind: permission denied/);
  });
});

describe('connecting to a Temporal cluster or Temporal Cloud', () => {
  const none = { TEMPORAL_TLS: false } as const;
  it('is plain gRPC by default, TLS when asked, and TLS with the API key for Temporal Cloud', () => {
    expect(temporalConnectionOptions('t:7233', none)).toEqual({ address: 't:7233' });
    expect(temporalConnectionOptions('t:7233', { TEMPORAL_TLS: true })).toEqual({
      address: 't:7233',
      tls: true,
    });
    expect(
      temporalConnectionOptions('ns.acct.tmprl.cloud:7233', { ...none, TEMPORAL_API_KEY: 'secret-key' }),
    ).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: 'secret-key' });
  });

  it('reads an mTLS client certificate pair, and refuses half a pair', () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'client.pem'), 'CERT');
    writeFileSync(path.join(dir, 'client.key'), 'KEY');
    const options = temporalConnectionOptions('t:7233', {
      ...none,
      TEMPORAL_TLS_CERT_PATH: path.join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY_PATH: path.join(dir, 'client.key'),
    });
    expect(options.tls).toEqual({ clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } });
    expect(() =>
      temporalConnectionOptions('t:7233', { ...none, TEMPORAL_TLS_CERT_PATH: path.join(dir, 'client.pem') }),
    ).toThrow(/go together/);
  });
});
