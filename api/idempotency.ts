/**
 * `Idempotency-Key` for POST: the first response to a key is stored with a hash of the request
 * (method, path and body) and replayed for retries; the same key with another request is 422, and
 * a retry while the first is still running is 409. The row is inserted before the handler runs, so
 * two concurrent requests with one key never both execute.
 *
 * A key names one command, ever. Workflow commands sent under a key carry an update id derived from it
 * (`commandIdFor` in routes/ticket-actions.ts), so Temporal applies them once however often they are
 * sent. When a command's outcome is unknown (a 5xx whose problem says `commandMayApply`), the row stays
 * as `may_apply` instead of being released: the same request may be retried at once (it re-sends the
 * same update and learns its outcome), any other request under the key is refused (422).
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Principal } from './auth';
import type { Lang } from './i18n';
import { problem, ProblemError, PROBLEM_BASE } from './problem';
import type { Reply } from './route';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** A request still `in_progress` after this long is taken to have died with its process. */
export const ABANDONED_AFTER_MS = 60_000;
/** Stored responses are kept this long; `purgeIdempotencyKeys` removes older ones. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/**
 * Claims a key for this request when its first run left no answer: the same request whose command
 * may still apply (`may_apply`), or was abandoned (its process died before answering); or any request
 * once the stored response expired. The row is re-armed for this request in one conditional update, so
 * two retries still cannot both run.
 */
async function takeOverAbandoned(
  db: Kysely<Database>,
  apiKeyId: string,
  key: string,
  request: { method: string; path: string; requestHash: string },
): Promise<boolean> {
  const now = Date.now();
  const result = await db
    .updateTable('idempotency_keys')
    .set({
      method: request.method,
      path: request.path,
      request_hash: request.requestHash,
      state: 'in_progress',
      response_status: null,
      response_headers: null,
      response_body: null,
      created_at: new Date(now) as never,
      completed_at: null,
    })
    .where('api_key_id', '=', apiKeyId)
    .where('key', '=', key)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('method', '=', request.method),
          eb('path', '=', request.path),
          eb('request_hash', '=', request.requestHash),
          eb.or([
            eb('state', '=', 'may_apply'),
            eb.and([
              eb('state', '=', 'in_progress'),
              eb('created_at', '<', new Date(now - ABANDONED_AFTER_MS)),
            ]),
          ]),
        ]),
        eb('created_at', '<', new Date(now - IDEMPOTENCY_TTL_MS)),
      ]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes stored responses older than the retention (24 h); call it periodically. Returns how many went. */
export async function purgeIdempotencyKeys(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** sha256 of the raw body (or its JSON form when the raw body is not available). */
function bodyHash(req: Request): string {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  const hash = createHash('sha256');
  if (raw !== undefined) hash.update(raw);
  else hash.update(JSON.stringify(req.body ?? null));
  return hash.digest('hex');
}

/**
 * Runs `run` at most once per (caller, Idempotency-Key), replaying its stored reply afterwards. The caller is
 * `auth.keyId`: an API key's id, or the portal's `portal:<customer>:<email>` (`routes/portal-attachments.ts`).
 */
export async function withIdempotency(
  db: Kysely<Database>,
  input: { req: Request; auth: Pick<Principal, 'keyId'>; key: string; lang: Lang },
  run: () => Promise<Reply>,
): Promise<Reply> {
  const { req, auth, key } = input;
  if (!KEY_PATTERN.test(key)) {
    throw problem(
      400,
      'validation',
      {
        es: 'Idempotency-Key debe tener de 1 a 255 caracteres ASCII visibles.',
        en: 'Idempotency-Key must be 1 to 255 visible ASCII characters.',
      },
      {
        'invalid-params': [
          { name: 'header.Idempotency-Key', reason: 'must be 1 to 255 visible ASCII characters' },
        ],
      },
    );
  }
  const method = req.method;
  const path = req.baseUrl + req.path;
  const requestHash = bodyHash(req);
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ api_key_id: auth.keyId, key, method, path, request_hash: requestHash })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst();

  let claimed = inserted !== undefined;
  if (!claimed) claimed = await takeOverAbandoned(db, auth.keyId, key, { method, path, requestHash });
  if (!claimed) {
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('api_key_id', '=', auth.keyId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (existing.method !== method || existing.path !== path || existing.request_hash !== requestHash) {
      throw problem(422, 'idempotency-key-reused', {
        es: 'Esta Idempotency-Key ya se usó con otra solicitud.',
        en: 'This Idempotency-Key was already used with a different request.',
      });
    }
    if (existing.state !== 'done' || existing.response_status === null) {
      throw problem(
        409,
        'idempotency-in-progress',
        {
          es: 'Una solicitud con esta Idempotency-Key todavía está en curso.',
          en: 'A request with this Idempotency-Key is still in progress.',
        },
        { headers: { 'Retry-After': '1' } },
      );
    }
    return {
      status: existing.response_status,
      body: existing.response_body ?? undefined,
      headers: { ...(existing.response_headers ?? {}), 'Idempotent-Replayed': 'true' },
    };
  }

  const store = async (reply: Reply): Promise<void> => {
    await db
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        response_status: reply.status,
        response_headers: JSON.stringify(reply.headers ?? {}),
        response_body: reply.body === undefined ? null : JSON.stringify(reply.body),
        completed_at: new Date(),
      })
      .where('api_key_id', '=', auth.keyId)
      .where('key', '=', key)
      .execute();
  };
  let reply: Reply;
  try {
    reply = await run();
  } catch (error) {
    if (error instanceof ProblemError && error.problem.status < 500) {
      // A refusal is the answer to this request: a retry gets the same refusal.
      const body = {
        instance: req.originalUrl,
        ...error.problem,
        ...(error.localized && { detail: error.localized[input.lang] }),
      };
      await store({
        status: error.problem.status,
        body,
        headers: { 'Content-Type': 'application/problem+json', ...(error.headers ?? {}) },
      });
      throw error;
    }
    if (error instanceof ProblemError && error.problem.commandMayApply === true) {
      // The command was sent and may still apply: keep the key bound to it (see the module comment).
      await db
        .updateTable('idempotency_keys')
        .set({ state: 'may_apply' })
        .where('api_key_id', '=', auth.keyId)
        .where('key', '=', key)
        .execute()
        .catch(() => undefined);
      throw error;
    }
    await db
      .deleteFrom('idempotency_keys')
      .where('api_key_id', '=', auth.keyId)
      .where('key', '=', key)
      .execute()
      .catch(() => undefined);
    throw error;
  }
  await store(reply);
  return reply;
}

/** Problem type URIs of idempotency failures (for clients and tests). */
export const IDEMPOTENCY_PROBLEMS = {
  reused: `${PROBLEM_BASE}idempotency-key-reused`,
  inProgress: `${PROBLEM_BASE}idempotency-in-progress`,
} as const;
