/**
 * The queue's text search, over the columns the search migration keeps (`20261127_0017_search`):
 * `search_text` (subject, requester name and email, customer name, description; lower case, no accents)
 * and `search_vector` (its `simple` tsvector).
 *
 * - `#42` is ticket 42; `42` is ticket 42 or any ticket with the word 42.
 * - Otherwise every word (with a letter or digit) of the query must match (AND), accent- and case-insensitively: as a word or the
 *   start of one (`nomi` finds "nómina"; tsvector prefix query), or, for words of 3 characters or more,
 *   anywhere in the text (`mina`, `ana@clinica`; trigram index on `search_text`).
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
  // Words of punctuation alone (`&`, `-`) say nothing and would match nothing: they are left out.
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return undefined;
  const conditions = words.slice(0, MAX_SEARCH_WORDS).map(wordCondition);
  return sql<boolean>`(${sql.join(conditions, sql` and `)})`;
}

function wordCondition(word: string): RawBuilder<boolean> {
  // Quoted for to_tsquery (its operators & | ! : ( ) are then plain text), each lexeme a prefix.
  const prefix = sql`to_tsquery('simple', quote_literal(search_fold(${word})) || ':*')`;
  if (word.length < 3) return sql<boolean>`search_vector @@ ${prefix}`;
  const anywhere = sql`search_fold(${`%${escapeLike(word)}%`})`;
  return sql<boolean>`(search_vector @@ ${prefix} or search_text like ${anywhere})`;
}
