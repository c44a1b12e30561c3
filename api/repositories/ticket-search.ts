/**
 * The queue's text search, over the columns the search migration keeps (`20261127_0017_search`):
 * `search_text` (subject, requester name and email, customer name, description; lower case, no accents)
 * and `search_vector` (its `simple` tsvector).
 *
 * - `#42` is ticket 42; `42` is ticket 42 or any ticket with the word 42.
 * - Otherwise every word (with a letter or digit; sentence punctuation at its ends left out) must match
 *   (AND), accent- and case-insensitively: a word of 3 characters or more anywhere in the text (`nomi`,
 *   `mina`, `ana@clinica`; trigram index on `search_text`), a shorter one as a word or the start of one
 *   (`no`; tsvector prefix query, as 1 or 2 characters make no trigram to look up); a whole email address
 *   as that address (the `simple` parser's email lexeme: `ana@clinica.com.co` finds the requester and any
 *   text naming the address, never `mariana@clinica.com.co`; `ana@clinica` still matches as text).
 *
 * A word anywhere in the text covers it as the start of a word (every lexeme of `search_vector` is text of
 * `search_text`), so long words are one trigram condition, not that OR the tsvector prefix: at 1,000,000
 * tickets the OR scanned both GIN indexes for every word and misled the planner's estimates (issue 17,
 * `bench:api -- --search-only --explain`).
 */
import { sql, type RawBuilder } from 'kysely';
import { escapeLike } from './customers';

/** At most this many words of a query are searched; more say little and cost much. */
export const MAX_SEARCH_WORDS = 8;

/** The SQL condition a search query puts on `tickets`; undefined when the query has no word. */
export function searchCondition(q: string): RawBuilder<boolean> | undefined {
  const text = q.trim();
  const byNumber = /^#\s*(\d{1,15})$/.exec(text);
  if (byNumber) return sql<boolean>`number = ${Number(byNumber[1])}`;
  if (/^\d{1,15}$/.test(text)) {
    return sql<boolean>`(number = ${Number(text)} or search_vector @@ to_tsquery('simple', ${text}))`;
  }
  // Sentence punctuation around a word (`nómina,`, `(urgente)`) is not searched (`@`, `%`, `-` are: an email
  // typed up to its `@`); a word without a letter or digit (`&`, `-`) says nothing and is left out.
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/^[,;:.!?¡¿()[\]{}"'«»…]+|[,;:.!?¡¿()[\]{}"'«»…]+$/gu, ''))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return undefined;
  const conditions = words.slice(0, MAX_SEARCH_WORDS).map(wordCondition);
  return sql<boolean>`(${sql.join(conditions, sql` and `)})`;
}

/** A whole email address (`ana@clinica.com.co`): searched as the address, not as any text containing it. */
const WHOLE_EMAIL = /^[^@\s]+@[^@\s]+\.[\p{L}\p{N}]{2,}$/u;

function wordCondition(word: string): RawBuilder<boolean> {
  // The `simple` parser keeps an address as one lexeme: one lookup in the tsvector index (0.5 ms at 1,000,000
  // tickets), where its 25 trigrams took 110-160 ms; and `ana@x.com` no longer finds `mariana@x.com`.
  if (WHOLE_EMAIL.test(word)) {
    return sql<boolean>`search_vector @@ to_tsquery('simple', quote_literal(search_fold(${word})))`;
  }
  if (word.length >= 3) return sql<boolean>`search_text like search_fold(${`%${escapeLike(word)}%`})`;
  // Quoted for to_tsquery (its operators & | ! : ( ) are then plain text), each lexeme a prefix.
  return sql<boolean>`search_vector @@ to_tsquery('simple', quote_literal(search_fold(${word})) || ':*')`;
}
