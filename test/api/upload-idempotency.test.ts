/**
 * A retried upload under the same Idempotency-Key (issue 17) is compared by the sha256 of its bytes, not
 * only its name and length: other bytes of the same length are 422, the same bytes replay the first answer.
 * The portal's upload route behaves the same, its keys scoped to the signed-in requester.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryAttachmentSettings, type AttachmentSettings } from '../../activities/attachments/settings';
import { PROBLEM_BASE } from '../../api/problem';
import { eventually, seedCustomer } from '../lifecycle/fixtures';
import { PORTAL_ORIGIN, signInAs, type PortalClient } from '../portal/helpers';
import { checkResponsesAfterEach, createTestApi, type TestApi } from './helpers';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(200, 7),
]);
/** The same length and type, other bytes. */
const OTHER_PNG = Buffer.concat([PNG.subarray(0, 16), Buffer.alloc(200, 8)]);

let api: TestApi;
checkResponsesAfterEach(() => api);
let settings: AttachmentSettings;
beforeAll(async () => {
  settings = temporaryAttachmentSettings({ maxFileBytes: 4096 });
  api = await createTestApi({ api: { attachments: settings }, portal: { baseUrl: PORTAL_ORIGIN } });
  await seedCustomer(api.db, 'w32', 'acme', Date.now(), {
    requesters: [
      { name: 'Ana Ruiz', email: 'ana@acme.mx' },
      { name: 'Eva Gil', email: 'eva@acme.mx' },
    ],
  });
});
afterAll(() => api.destroy());

const upload = (bytes: Buffer, name: string, key: string) =>
  api
    .call('post', `/v1/attachments?name=${encodeURIComponent(name)}`)
    .set('Content-Type', 'application/octet-stream')
    .set('Idempotency-Key', key)
    .send(bytes);

const rows = async () => (await api.db.selectFrom('attachments').select('id').execute()).length;
const tempFiles = async () => (await readdir(settings.store.tempDir).catch(() => [])).length;

describe('upload idempotency', () => {
  it('refuses other bytes of the same name and length under a used key (422), replays the same bytes', async () => {
    expect(PNG.length).toBe(OTHER_PNG.length);
    const first = await upload(PNG, 'captura.png', 'upload-sha-1');
    expect(first.status, first.text).toBe(201);

    const other = await upload(OTHER_PNG, 'captura.png', 'upload-sha-1');
    expect(other.status).toBe(422);
    expect(other.body.type).toBe(`${PROBLEM_BASE}idempotency-key-reused`);

    const same = await upload(PNG, 'captura.png', 'upload-sha-1');
    expect(same.status).toBe(201);
    expect(same.headers['idempotent-replayed']).toBe('true');
    expect(same.body.id).toBe(first.body.id);
    expect(same.body.sha256).toBe(first.body.sha256);

    expect(await rows()).toBe(1);
    // The 201, the 422 and the replay are as /openapi.json documents them.
    // Neither the refused nor the replayed request leaves its received bytes behind (removed on close).
    await eventually(tempFiles, (n) => n === 0);
  });

  it('still refuses an oversized upload under a key with 413, keeping nothing', async () => {
    const big = await upload(Buffer.alloc(5000, 0x41), 'big.txt', 'upload-sha-big');
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ type: `${PROBLEM_BASE}attachment-too-large`, limit: 4096 });
    await eventually(tempFiles, (n) => n === 0);
  });
});

describe('portal upload idempotency', () => {
  const portalUpload = (who: PortalClient, bytes: Buffer, name: string, key: string) =>
    api
      .call('post', `/v1/portal/attachments?name=${encodeURIComponent(name)}`, null)
      .set('Cookie', who.cookie)
      .set('Origin', PORTAL_ORIGIN)
      .set('Content-Type', 'application/octet-stream')
      .set('Idempotency-Key', key)
      .send(bytes);

  it('replays the same bytes under a used key, refuses other bytes (422), per requester', async () => {
    const ana = await signInAs(api, 'ana@acme.mx');
    const before = await rows();
    const first = await portalUpload(ana, PNG, 'pantalla.png', 'portal-upload-1');
    expect(first.status, first.text).toBe(201);

    const same = await portalUpload(ana, PNG, 'pantalla.png', 'portal-upload-1');
    expect(same.status, same.text).toBe(201);
    expect(same.headers['idempotent-replayed']).toBe('true');
    expect(same.body).toEqual(first.body);

    const other = await portalUpload(ana, OTHER_PNG, 'pantalla.png', 'portal-upload-1');
    expect(other.status).toBe(422);
    expect(other.body.type).toBe(`${PROBLEM_BASE}idempotency-key-reused`);
    expect(await rows()).toBe(before + 1);

    // Another requester's key of the same name is theirs: a new upload, not Ana's replay.
    const eva = await signInAs(api, 'eva@acme.mx');
    const evas = await portalUpload(eva, OTHER_PNG, 'pantalla.png', 'portal-upload-1');
    expect(evas.status, evas.text).toBe(201);
    expect(evas.headers['idempotent-replayed']).toBeUndefined();
    expect(evas.body.id).not.toBe(first.body.id);
    expect(evas.body.uploadedBy).toBe('eva@acme.mx');
    expect(await rows()).toBe(before + 2);
    await eventually(tempFiles, (n) => n === 0);
  });

  it('refuses a malformed key with 400 naming the header, storing nothing', async () => {
    const ana = await signInAs(api, 'ana@acme.mx');
    const before = await rows();
    const bad = await portalUpload(ana, PNG, 'pantalla.png', 'con espacio');
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params']).toEqual([
      { name: 'header.Idempotency-Key', reason: 'must be 1 to 255 visible ASCII characters' },
    ]);
    expect(await rows()).toBe(before);
    await eventually(tempFiles, (n) => n === 0);
  });
});
