/** Schemas shared by every resource: problem documents, identifiers, instants and pagination. */
import { z } from 'zod';
import { problem } from './problem';

/** RFC 9457 problem document. */
export const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    'invalid-params': z
      .array(z.object({ name: z.string(), reason: z.string() }))
      .optional()
      .meta({ description: 'Every field that failed, by its path in the request (`body.priority`).' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** A lower-case identifier, as used for customers, contracts, policies and plans. */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a lower-case identifier ([a-z0-9_-], at most 64)');

/** Largest UTC offset of an instant, in minutes: real zones span -12:00 to +14:00 (Postgres refuses past 15:59). */
const MAX_OFFSET_MINUTES = 14 * 60;

/** Whether the offset of an RFC 3339 date-time (`Z` or `±hh:mm`) is within ±14:00. */
function offsetInRange(value: string): boolean {
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  return match === null || Number(match[2]) * 60 + Number(match[3]) <= MAX_OFFSET_MINUTES;
}

/** An instant as an RFC 3339 date-time with offset (at most ±14:00). */
export const InstantSchema = z.iso
  .datetime({ offset: true })
  .refine(offsetInRange, 'the UTC offset must be between -14:00 and +14:00');

/** Page size: 1 to 200, 50 by default. */
export const LimitSchema = z.coerce.number().int().min(1).max(200).default(50);

/** An opaque keyset cursor returned as `nextCursor` by the previous page. */
export const CursorSchema = z
  .string()
  .min(1)
  .max(512)
  .meta({ description: 'Opaque cursor from `nextCursor`.' });

/** A page of items with the cursor of the next page (null on the last page). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * The page of a keyset query that fetched `limit + 1` rows: the first `limit` as items, and a cursor holding
 * the last one's `position` when more rows follow.
 */
export function keysetPage<R, I>(
  rows: readonly R[],
  limit: number,
  view: (row: R) => I,
  position: (row: R) => unknown,
): { items: I[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null,
  };
}

/** Decodes a cursor with a schema; undefined when it is not one this API produced. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** 400 for a cursor this API did not produce. */
export function badCursor() {
  return problem(
    400,
    'validation',
    { es: 'Cursor inválido.', en: 'Invalid cursor.' },
    { 'invalid-params': [{ name: 'query.cursor', reason: 'not a cursor returned by this API' }] },
  );
}

/** The position a `cursor` query parameter holds (undefined without one); 400 when it is not ours. */
export function readCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor, schema);
  if (position === undefined) throw badCursor();
  return position;
}

/** ISO string of a database timestamp (or null). */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return isoRequired(value);
}

/**
 * ISO string of a non-null database timestamp. Takes `unknown` because some columns are typed as
 * nested Kysely column types (`Generated<ColumnType<...>>`) whose select type is not `Date`.
 */
export function isoRequired(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).toISOString();
  throw new TypeError('not a timestamp');
}

/**
 * A JSON value for a jsonb column. Typed `never` because columns declared as
 * `Generated<Json<...>>` do not accept plain values in Kysely's insert and update types.
 */
export function jsonb(value: unknown): never {
  return JSON.stringify(value) as never;
}
