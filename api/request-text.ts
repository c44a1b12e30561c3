/**
 * Text Postgres cannot store: NUL (U+0000) and unpaired UTF-16 surrogates. Path parameters and query strings
 * carrying either are refused before validation (400 naming the parameter), on every route, so they never
 * reach a query. Body text is refused by the zod schemas; `isRefusedValue` in `problem.ts` turns what
 * still slips through into a 400, never a 500.
 */
import type { InvalidParam } from './problem';

/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this finds
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const UNSTORABLE_GLOBAL = new RegExp(UNSTORABLE.source, 'g');

/** Why such a parameter is refused (the `reason` of its `invalid-params` entry). */
export const UNSTORABLE_REASON = 'must not contain NUL (U+0000) or unpaired surrogates';

/** Whether a string holds text that cannot be stored. */
export function hasUnstorableText(value: string): boolean {
  return UNSTORABLE.test(value);
}

/**
 * `invalid-params` for every path parameter or query string (name or value, including repeated values)
 * holding unstorable text; `location` is `params` or `query`.
 */
export function unstorableParams(values: unknown, location: 'params' | 'query'): InvalidParam[] {
  if (typeof values !== 'object' || values === null) return [];
  const invalid: InvalidParam[] = [];
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    const texts = Array.isArray(value) ? value : [value];
    if (hasUnstorableText(name) || texts.some((t) => typeof t === 'string' && hasUnstorableText(t))) {
      invalid.push({
        name: `${location}.${name.replace(UNSTORABLE_GLOBAL, '\uFFFD')}`,
        reason: UNSTORABLE_REASON,
      });
    }
  }
  return invalid;
}
