/**
 * Text Postgres can store: NUL and lone UTF-16 surrogates are found with their path (so the API can name
 * the field) and, as the projection's last defence, removed or replaced.
 */
import { describe, expect, it } from 'vitest';
import { findUnstorableText, toStorableText, unstorableTextReason } from '../../domain/text';

const NUL = 'must not contain the NUL character (U+0000)';
const SURROGATE = 'must be valid Unicode (a lone UTF-16 surrogate was found)';

describe('unstorableTextReason', () => {
  it('accepts ordinary text, accents, emoji (a well-formed surrogate pair) and the empty string', () => {
    for (const text of ['', 'nómina', 'Señor Núñez 😀', '\ufffd', 'tab\tand\nnewline']) {
      expect(unstorableTextReason(text), text).toBeUndefined();
    }
  });

  it('names NUL anywhere, and a lone high or low surrogate', () => {
    expect(unstorableTextReason('a\u0000b')).toBe(NUL);
    expect(unstorableTextReason('\u0000')).toBe(NUL);
    expect(unstorableTextReason('x\ud83d')).toBe(SURROGATE);
    expect(unstorableTextReason('\ude00y')).toBe(SURROGATE);
    expect(unstorableTextReason('\ude00\ud83d')).toBe(SURROGATE);
  });
});

describe('findUnstorableText', () => {
  it('gives the path of each bad string in objects and arrays, and of a bad key', () => {
    const value = {
      subject: 'ok',
      draft: { description: 'a\u0000', tags: ['fine', '\ud800'] },
      ['k\u0000ey']: { inner: 'b\u0000' },
    };
    expect(findUnstorableText(value, 'body')).toEqual([
      { path: 'body.draft.description', reason: NUL },
      { path: 'body.draft.tags[1]', reason: SURROGATE },
      { path: 'body (key)', reason: NUL },
      { path: 'body.?.inner', reason: NUL },
    ]);
  });

  it('finds nothing in storable values and ignores numbers, booleans and null', () => {
    expect(findUnstorableText({ a: 1, b: true, c: null, d: ['x', { e: 'y' }] }, 'body')).toEqual([]);
    expect(findUnstorableText('plain', 'query.q')).toEqual([]);
    expect(findUnstorableText('\u0000', 'query.q')).toEqual([{ path: 'query.q', reason: NUL }]);
  });

  it('stops after the limit', () => {
    const many = Array.from({ length: 30 }, () => '\u0000');
    expect(findUnstorableText(many, 'body')).toHaveLength(20);
    expect(findUnstorableText(many, 'body', 3).map((f) => f.path)).toEqual(['body[0]', 'body[1]', 'body[2]']);
    expect(findUnstorableText(many, 'body', 0)).toEqual([]);
  });

  it('does not descend past 64 levels', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 64; i++) deep = [deep];
    expect(findUnstorableText(deep, 'b')).toHaveLength(1);
    expect(findUnstorableText([deep], 'b')).toEqual([]);
    let nested: unknown = '\u0000';
    for (let i = 0; i < 65; i++) nested = { n: nested };
    expect(findUnstorableText(nested, 'b')).toEqual([]);
  });
});

describe('toStorableText', () => {
  it('removes NUL and replaces lone surrogates with U+FFFD, in keys, arrays and nested objects', () => {
    expect(toStorableText('a\u0000b\u0000')).toBe('ab');
    expect(toStorableText('x\ud83dy')).toBe('x\ufffdy');
    expect(toStorableText({ ['k\u0000']: ['v\ude00', { w: '\u0000z' }] })).toEqual({
      k: ['v\ufffd', { w: 'z' }],
    });
  });

  it('keeps storable values as they are, the same string and other types untouched', () => {
    const text = 'Señor 😀';
    expect(toStorableText(text)).toBe(text);
    expect(toStorableText(42)).toBe(42);
    expect(toStorableText(null)).toBeNull();
    expect(toStorableText(true)).toBe(true);
    expect(toStorableText({ n: 1, list: [false, 'ok'] })).toEqual({ n: 1, list: [false, 'ok'] });
  });
});
