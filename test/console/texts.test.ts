/**
 * The console's texts cover what the API can send it: every notification template has a name in both
 * languages (the timeline showed `staff_assigned` raw).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_TEMPLATES } from '../../activities/notifications/templates';

let tv: (prefix: string, value: string) => string;
let setLang: (lang: 'es' | 'en') => void;

beforeAll(async () => {
  // The console's text module keeps the language in the browser's storage.
  const stored = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => stored.set(k, v),
    },
    document: { documentElement: { lang: 'es' } },
  });
  // Imported by a name the root type check does not follow: the console is typed against the DOM (its own
  // tsconfig), the tests are not.
  const texts = '../../console/src/i18n';
  ({ tv, setLang } = (await import(/* @vite-ignore */ texts)) as { tv: typeof tv; setLang: typeof setLang });
});

describe('console texts', () => {
  it.each(['es', 'en'] as const)('names every notification template in %s', (lang) => {
    setLang(lang);
    const raw = NOTIFICATION_TEMPLATES.filter((name) => tv('tpl_', name) === name);
    expect(raw).toEqual([]);
  });
});
