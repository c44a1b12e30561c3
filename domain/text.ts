/**
 * Text Postgres can store. Postgres `text` and `jsonb` refuse the NUL character (SQLSTATE 22P05 for
 * jsonb's `\u0000`, 22021 for text), and a lone UTF-16 surrogate has no UTF-8 form, so such text must
 * be refused where it enters (the API) and never reach a projection.
 */

// With the `u` flag a well-formed surrogate pair is one code point, so only lone surrogates match.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (a lone UTF-16 surrogate was found)';
  return undefined;
}

/** One string in a value that cannot be stored: its path (`body.draft.subject`) and why. */
export interface UnstorableText {
  readonly path: string;
  readonly reason: string;
}

/**
 * Every string, and every object key, in a JSON-like value that cannot be stored, with its path under
 * `location` (`body.items[2].name`). Stops after `limit` findings.
 */
export function findUnstorableText(value: unknown, location: string, limit = 20): UnstorableText[] {
  const found: UnstorableText[] = [];
  const visit = (v: unknown, path: string, depth: number): void => {
    if (found.length >= limit || depth > 64) return;
    if (typeof v === 'string') {
      const reason = unstorableTextReason(v);
      if (reason !== undefined) found.push({ path, reason });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${path}[${i}]`, depth + 1));
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        const reason = unstorableTextReason(key);
        if (reason !== undefined) found.push({ path: `${path} (key)`, reason });
        visit(item, `${path}.${reason === undefined ? key : '?'}`, depth + 1);
      }
    }
  };
  visit(value, location, 0);
  return found;
}

/**
 * A copy of a JSON-like value with every string made storable: NUL removed, lone surrogates replaced by
 * U+FFFD. The projection's last line of defence; the API refuses such text before it gets this far.
 */
export function toStorableText<T>(value: T): T {
  if (typeof value === 'string') {
    if (unstorableTextReason(value) === undefined) return value;
    return value.replaceAll('\u0000', '').replace(/[\ud800-\udfff]/gu, '\ufffd') as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => toStorableText(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [toStorableText(key), toStorableText(item)]),
    ) as T;
  }
  return value;
}
