/**
 * Where attachment bytes live. The API receives an upload into a local temporary file (counting,
 * hashing and sniffing as it streams, `receive.ts`) and then `commit`s it to the store under a random
 * key; downloads and email attachments `open` it as a stream. Nothing here buffers a whole file.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** A place for attachment bytes, addressed by keys the store's caller makes up (random ids). */
export interface AttachmentStore {
  /** Where this store keeps bytes, for logs (`fs:/path` or `s3://bucket/prefix`). */
  readonly description: string;
  /** Local directory for uploads in progress (temporary files, renamed or sent on success). */
  readonly tempDir: string;
  /** Takes ownership of the complete temporary file `file` (`size` bytes) and keeps it as `key`. */
  commit(file: string, key: string, size: number): Promise<void>;
  /** The bytes kept as `key`; rejects when there are none. */
  open(key: string): Promise<Readable>;
  /** Forgets `key` (no error when it is gone already). */
  remove(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9-]{8,64}$/;

/** Refuses keys that are not the store's own random ids (so no path can be smuggled in). */
export function assertStoreKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not an attachment store key: ${JSON.stringify(key)}`);
}

/**
 * Files under `root`: `root/<first two characters>/<key>`, uploads in progress under `root/tmp/`. Rename
 * is atomic within one filesystem, so a reader never sees half a file.
 */
export function filesystemStore(root: string): AttachmentStore {
  const absolute = path.resolve(root);
  const tempDir = path.join(absolute, 'tmp');
  const where = (key: string): string => {
    assertStoreKey(key);
    return path.join(absolute, key.slice(0, 2), key);
  };
  return {
    description: `fs:${absolute}`,
    tempDir,
    async commit(file, key) {
      const target = where(key);
      await mkdir(path.dirname(target), { recursive: true });
      try {
        await rename(file, target);
      } catch (error) {
        // A temporary directory on another filesystem: copy, then drop the temporary file.
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        await copyFile(file, `${target}.part`);
        await rename(`${target}.part`, target);
        await rm(file, { force: true });
      }
    },
    async open(key) {
      const file = where(key);
      await stat(file);
      return createReadStream(file);
    },
    async remove(key) {
      await rm(where(key), { force: true });
    },
  };
}
