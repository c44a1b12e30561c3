/**
 * Uploads never attached are purged after the retention (issue 17): bytes and row, by the housekeeping loop;
 * attached files never; two purges at once remove each upload once. On an injected clock (no sleeps).
 * Temporary `*.part` files a crashed upload left are removed past the same age, by their real mtimes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryAttachmentSettings, type AttachmentSettings } from '../../activities/attachments/settings';
import type { AttachmentStore } from '../../activities/attachments/store';
import { purgeUnattachedUploads } from '../../api/attachment-purge';
import { bindAttachments } from '../../api/attachments';
import { ProblemError } from '../../api/problem';
import { startHousekeeping } from '../../api/housekeeping';
import { connectDatabase } from '../../db/index';
import { createTestDatabase } from '../support/database';
import { eventually } from '../lifecycle/fixtures';
import { seedTicket } from './helpers';

const HOUR = 3_600_000;
const logger = pino({ level: 'silent' });

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let settings: AttachmentSettings;
let customer = '';

beforeAll(async () => {
  handle = await createTestDatabase();
  settings = temporaryAttachmentSettings();
  customer = `purge-${randomUUID()}`;
  await handle.db.insertInto('customers').values({ id: customer, name: customer }).execute();
});
afterAll(() => handle.destroy());

/** An upload stored now; bound to `ticket` when given. */
async function upload(ticket?: number): Promise<string> {
  const id = randomUUID();
  const bytes = Buffer.from(`file ${id}\n`);
  await mkdir(settings.store.tempDir, { recursive: true });
  const temp = path.join(settings.store.tempDir, `${id}.part`);
  await writeFile(temp, bytes);
  await settings.store.commit(temp, id, bytes.length);
  await handle.db
    .insertInto('attachments')
    .values({
      id,
      storage_key: id,
      name: 'nota.txt',
      size: bytes.length,
      content_type: 'text/plain',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      uploaded_by: 'Luis',
      uploader_ref: 'key:test',
      customer_id: null,
      ...(ticket !== undefined && {
        ticket_number: ticket,
        customer_id: customer,
        message_id: 'reply-1',
        attached_at: new Date(),
      }),
    })
    .execute();
  return id;
}

const rowExists = async (id: string) =>
  (await handle.db.selectFrom('attachments').select('id').where('id', '=', id).executeTakeFirst()) !==
  undefined;
const bytesExist = (id: string) =>
  settings.store.open(id).then(
    (stream) => {
      stream.destroy();
      return true;
    },
    () => false,
  );

describe('purge of unattached uploads', () => {
  it('deletes bytes and row of an upload unattached past the retention; keeps younger and attached ones', async () => {
    const ticket = await seedTicket(handle.db, { customer_id: customer });
    const stale = await upload();
    const attached = await upload(ticket);
    const t0 = new Date();

    // 23 h later nothing is old enough; 25 h later the unattached upload goes, the attached one stays.
    expect(
      await purgeUnattachedUploads(handle.db, settings.store, {
        olderThanHours: 24,
        now: new Date(t0.getTime() + 23 * HOUR),
      }),
    ).toBe(0);
    expect(await rowExists(stale)).toBe(true);
    expect(await bytesExist(stale)).toBe(true);
    const young = await upload();
    expect(
      await purgeUnattachedUploads(handle.db, settings.store, {
        olderThanHours: 24,
        now: new Date(t0.getTime() + 25 * HOUR),
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(await rowExists(stale)).toBe(false);
    expect(await bytesExist(stale)).toBe(false);
    expect(await rowExists(attached)).toBe(true);
    expect(await bytesExist(attached)).toBe(true);
    // A year on, attached files are still there; the young upload has gone by then.
    await purgeUnattachedUploads(handle.db, settings.store, {
      now: new Date(t0.getTime() + 365 * 24 * HOUR),
    });
    expect(await rowExists(attached)).toBe(true);
    expect(await bytesExist(attached)).toBe(true);
    expect(await rowExists(young)).toBe(false);
  });

  it('two processes purging at once remove each upload exactly once', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => upload()));
    const removed: string[] = [];
    const counting = (store: AttachmentStore): AttachmentStore => ({
      ...store,
      async remove(key) {
        removed.push(key);
        await store.remove(key);
      },
    });
    const other = connectDatabase(handle.url);
    try {
      const later = new Date(Date.now() + 48 * HOUR);
      const [a, b] = await Promise.all([
        purgeUnattachedUploads(handle.db, counting(settings.store), { now: later, batchSize: 4 }),
        purgeUnattachedUploads(other, counting(settings.store), { now: later, batchSize: 4 }),
      ]);
      expect(a + b).toBe(removed.length);
      expect(new Set(removed).size).toBe(removed.length);
      for (const id of ids) {
        expect(removed).toContain(id);
        expect(await rowExists(id)).toBe(false);
        expect(await bytesExist(id)).toBe(false);
      }
    } finally {
      await other.destroy();
    }
  });

  it('keeps the rows when the bytes cannot be removed, for the next run', async () => {
    const id = await upload();
    const failing: AttachmentStore = {
      ...settings.store,
      remove: () => Promise.reject(new Error('bucket unreachable')),
    };
    const later = new Date(Date.now() + 48 * HOUR);
    await expect(purgeUnattachedUploads(handle.db, failing, { now: later })).rejects.toThrow(
      'bucket unreachable',
    );
    expect(await rowExists(id)).toBe(true);
    expect(await purgeUnattachedUploads(handle.db, settings.store, { now: later })).toBe(1);
    expect(await rowExists(id)).toBe(false);
  });

  it('a message binding an upload while it is purged is refused, never bound to bytes that are gone', async () => {
    const ticket = await seedTicket(handle.db, { customer_id: customer });
    const id = await upload();
    let removing!: () => void;
    const called = new Promise<void>((resolve) => (removing = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The purge deletes the row, then waits in the store's remove with its transaction open.
    const held: AttachmentStore = {
      ...settings.store,
      async remove(key) {
        removing();
        await released;
        await settings.store.remove(key);
      },
    };
    const purge = purgeUnattachedUploads(handle.db, held, { now: new Date(Date.now() + 48 * HOUR) });
    await called;
    const bind = bindAttachments(handle.db, {
      ids: [id],
      uploaderRef: 'key:test',
      ticketNumber: ticket,
      customerId: customer,
      messageId: 'reply-late',
      internal: false,
    }).then(
      () => 'bound',
      (error: unknown) => (error instanceof ProblemError ? error.problem.status : error),
    );
    release();
    expect(await purge).toBeGreaterThanOrEqual(1);
    expect(await bind).toBe(400);
    expect(await rowExists(id)).toBe(false);
  });

  it('an upload bound before the purge runs is kept', async () => {
    const ticket = await seedTicket(handle.db, { customer_id: customer });
    const id = await upload();
    await bindAttachments(handle.db, {
      ids: [id],
      uploaderRef: 'key:test',
      ticketNumber: ticket,
      customerId: customer,
      messageId: 'reply-early',
      internal: false,
    });
    await purgeUnattachedUploads(handle.db, settings.store, { now: new Date(Date.now() + 48 * HOUR) });
    expect(await rowExists(id)).toBe(true);
    expect(await bytesExist(id)).toBe(true);
  });

  it('the housekeeping loop runs it with the configured retention', async () => {
    const ticket = await seedTicket(handle.db, { customer_id: customer });
    const stale = await upload();
    const attached = await upload(ticket);
    const housekeeping = startHousekeeping({
      db: handle.db,
      logger,
      attachments: { store: settings.store, unattachedRetentionHours: 2 },
      now: () => new Date(Date.now() + 3 * HOUR),
    });
    try {
      await eventually(
        () => rowExists(stale),
        (exists) => !exists,
      );
      expect(await bytesExist(stale)).toBe(false);
      expect(await rowExists(attached)).toBe(true);
    } finally {
      await housekeeping.stop();
    }
  });

  it('removes temporary part files older than the retention, never a younger one (an upload in progress)', async () => {
    const { tempDir } = settings.store;
    await mkdir(tempDir, { recursive: true });
    const now = Date.now();
    /** A file in the temporary folder, last written `hoursAgo` before now. */
    const leftover = async (name: string, hoursAgo: number) => {
      const file = path.join(tempDir, name);
      await writeFile(file, 'half an upload');
      const when = new Date(now - hoursAgo * HOUR);
      await utimes(file, when, when);
    };
    await leftover('crashed.part', 25);
    await leftover('crashed-long-ago.part', 24 * 30);
    await leftover('in-progress.part', 0);
    await leftover('almost-a-day.part', 23);
    await leftover('not-an-upload.txt', 24 * 30);

    await purgeUnattachedUploads(handle.db, settings.store, { olderThanHours: 24, now: new Date(now) });
    expect((await readdir(tempDir)).sort()).toEqual([
      'almost-a-day.part',
      'in-progress.part',
      'not-an-upload.txt',
    ]);

    // Two more hours on (an injected clock), the 23-hour-old file is past the limit too.
    await purgeUnattachedUploads(handle.db, settings.store, {
      olderThanHours: 24,
      now: new Date(now + 2 * HOUR),
    });
    expect((await readdir(tempDir)).sort()).toEqual(['in-progress.part', 'not-an-upload.txt']);
  });
});
