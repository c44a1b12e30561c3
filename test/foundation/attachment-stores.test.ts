/**
 * The attachment stores' contract (issue 17), run against the filesystem store and against the S3 store
 * talking to a real S3-compatible server (s3rver, pure JS, started here on port 0): a put streamed from the
 * temporary file, get, delete, a missing object, a large file, and keys that are not the store's own.
 * s3rver parses the SigV4 Authorization header and knows its access keys, but does not recompute the
 * signature: a wrong secret would pass here (a real S3 or MinIO is the check for that).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Store, type S3Options } from '../../activities/attachments/s3';
import { filesystemStore, type AttachmentStore } from '../../activities/attachments/store';

const BUCKET = 'orquesta-test';
/** s3rver's built-in account. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let root: string;
let server: S3rver;
let endpoint: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'orquesta-stores-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: path.join(root, 's3rver'),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

function s3(overrides: Partial<S3Options> = {}): AttachmentStore {
  return s3Store({
    endpoint,
    bucket: BUCKET,
    region: 'us-east-1',
    ...CREDENTIALS,
    prefix: 'orquesta/',
    tempDir: path.join(root, 's3-tmp'),
    ...overrides,
  });
}

/** A complete temporary upload of `bytes` in the store's temporary directory. */
async function temporary(store: AttachmentStore, bytes: Buffer): Promise<string> {
  await mkdir(store.tempDir, { recursive: true });
  const file = path.join(store.tempDir, `${randomUUID()}.part`);
  await writeFile(file, bytes);
  return file;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Bytes that differ along the file (so a truncated or shuffled copy is caught by the hash). */
function bytesOf(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const stores: [string, () => AttachmentStore][] = [
  ['filesystem', () => filesystemStore(path.join(root, 'fs'))],
  ['S3 (s3rver)', () => s3()],
];

describe.each(stores)('attachment store contract: %s', (_name, make) => {
  it('keeps a committed file (taking over the temporary file) and gives the same bytes back', async () => {
    const store = make();
    const bytes = Buffer.from('Error 301 al timbrar la nómina\n');
    const file = await temporary(store, bytes);
    const key = randomUUID();
    await store.commit(file, key, bytes.length);
    expect(existsSync(file)).toBe(false);
    expect(Buffer.compare(await readAll(await store.open(key)), bytes)).toBe(0);
  });

  it('forgets a removed file, and removing it again is no error', async () => {
    const store = make();
    const key = randomUUID();
    await store.commit(await temporary(store, Buffer.from('borrar\n')), key, 7);
    await store.remove(key);
    await expect(store.open(key)).rejects.toThrow();
    await expect(store.remove(key)).resolves.toBeUndefined();
  });

  it('rejects opening a key it never kept', async () => {
    await expect(make().open(randomUUID())).rejects.toThrow();
  });

  it('round-trips a large file intact (12 MiB, streamed)', async () => {
    const store = make();
    const bytes = bytesOf(12 * 1024 * 1024 + 3);
    const key = randomUUID();
    await store.commit(await temporary(store, bytes), key, bytes.length);
    const back = await readAll(await store.open(key));
    expect(back.length).toBe(bytes.length);
    expect(sha256(back)).toBe(sha256(bytes));
    await store.remove(key);
  });

  it('refuses keys that are not its own ids (no paths)', async () => {
    const store = make();
    await expect(store.open('../../etc/passwd')).rejects.toThrow(/not an attachment store key/);
    await expect(store.remove('a/b')).rejects.toThrow(/not an attachment store key/);
  });
});

describe('S3 store against s3rver', () => {
  it('keeps objects under the prefix, apart from another prefix', async () => {
    const a = s3({ prefix: 'one/' });
    const b = s3({ prefix: 'two/' });
    const key = randomUUID();
    await a.commit(await temporary(a, Buffer.from('uno\n')), key, 4);
    expect((await readAll(await a.open(key))).toString()).toBe('uno\n');
    await expect(b.open(key)).rejects.toThrow(/404/);
  });

  it('reports a refused request as an error naming the status (an access key the server does not know)', async () => {
    const store = s3({ accessKeyId: 'NOT-A-KNOWN-KEY' });
    const file = await temporary(store, Buffer.from('x\n'));
    await expect(store.commit(file, randomUUID(), 2)).rejects.toThrow(/PUT answered 403/);
    await expect(store.open(randomUUID())).rejects.toThrow(/GET answered 403/);
    await expect(store.remove(randomUUID())).rejects.toThrow(/DELETE answered 403/);
  });
});

describe('temporary attachment settings', () => {
  it('removes the directories they made when the process exits, files and all', () => {
    // A separate process: the directories go on its exit, which this test's own process has not reached.
    const script = `
      import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
      import path from 'node:path';
      import { temporaryAttachmentSettings } from './activities/attachments/settings.ts';
      const temps = [temporaryAttachmentSettings(), temporaryAttachmentSettings()].map((s) => s.store.tempDir);
      mkdirSync(temps[0], { recursive: true });
      writeFileSync(path.join(temps[0], 'upload.part'), 'bytes');
      const roots = temps.map((t) => path.dirname(t));
      if (!roots.every((r) => existsSync(r))) throw new Error('a temporary root was not made');
      console.log(JSON.stringify(roots));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const roots = JSON.parse(child.stdout) as string[];
    expect(roots).toHaveLength(2);
    for (const dir of roots) {
      expect(dir.startsWith(os.tmpdir())).toBe(true);
      expect(existsSync(dir)).toBe(false);
    }
  });
});
