/**
 * Receives one upload stream into a temporary file of the store: counts, hashes and keeps the first bytes
 * (for sniffing) as the bytes pass, and stops reading as soon as the limit is passed, so an oversized
 * upload never fills the disk. The temporary name is random; the caller commits or discards it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SNIFF_BYTES } from './sniff';

/** What was received. */
export interface Received {
  /** The temporary file (to commit to the store, or discard). */
  file: string;
  size: number;
  sha256: string;
  /** The first bytes, for the sniffer. */
  head: Uint8Array;
}

/** The upload was larger than the limit; nothing of it is kept. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`upload larger than ${limit} bytes`);
  }
}

/** Streams `source` into a temporary file under `tempDir`, refusing more than `limit` bytes. */
export async function receiveUpload(source: Readable, tempDir: string, limit: number): Promise<Received> {
  await mkdir(tempDir, { recursive: true });
  const file = path.join(tempDir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) {
        callback(new TooLargeError(limit));
        return;
      }
      hash.update(chunk);
      if (headBytes < SNIFF_BYTES) {
        head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
        headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
      }
      callback(null, chunk);
    },
  });
  // The source is piped by hand, not given to `pipeline`: on an error it must stay open (discarding
  // what is left of it) so the caller can still answer on the same connection.
  const done = pipeline(meter, createWriteStream(file, { flags: 'wx' }));
  source.pipe(meter);
  const sourceFailed = new Promise<never>((_resolve, reject) => source.once('error', reject));
  try {
    await Promise.race([done, sourceFailed]);
  } catch (error) {
    source.unpipe(meter);
    source.resume();
    meter.destroy();
    await done.catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
  return { file, size, sha256: hash.digest('hex'), head: Buffer.concat(head) };
}
