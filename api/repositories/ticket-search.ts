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
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema';
import { escapeLike } from './customers';

/** At most this many words of a query are searched; more say little and cost much. */
export const MAX_SEARCH_WORDS = 8;

/** A query as searched: one ticket number, a bare number (a number or a word), or up to 8 words. */
type ParsedSearch = { number: number } | { bareNumber: string } | { words: string[] };

function parseSearch(q: string): ParsedSearch | undefined {
  const text = q.trim();
  const byNumber = /^#\s*(\d{1,15})$/.exec(text);
  if (byNumber) return { number: Number(byNumber[1]) };
  if (/^\d{1,15}$/.test(text)) return { bareNumber: text };
  // Sentence punctuation around a word (`nómina,`, `(urgente)`) is not searched (`@`, `%`, `-` are: an email
  // typed up to its `@`); a word without a letter or digit (`&`, `-`) says nothing and is left out.
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/^[,;:.!?¡¿()[\]{}"'«»…]+|[,;:.!?¡¿()[\]{}"'«»…]+$/gu, ''))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  return words.length === 0 ? undefined : { words: words.slice(0, MAX_SEARCH_WORDS) };
}

/** Whether the query is ticket numbers (`#42`) or whole email addresses only: it matches few tickets by nature. */
export function matchesFewByNature(q: string): boolean {
  const parsed = parseSearch(q);
  if (parsed === undefined) return false;
  if ('number' in parsed) return true;
  return 'words' in parsed && parsed.words.every((w) => WHOLE_EMAIL.test(w));
}

function nonWordCondition(parsed: { number: number } | { bareNumber: string }): RawBuilder<boolean> {
  if ('number' in parsed) return sql<boolean>`number = ${parsed.number}`;
  return sql<boolean>`(number = ${Number(parsed.bareNumber)} or search_vector @@ to_tsquery('simple', ${parsed.bareNumber}))`;
}

const allOf = (conditions: RawBuilder<boolean>[]) => sql<boolean>`(${sql.join(conditions, sql` and `)})`;

/**
 * The SQL condition a search query puts on `tickets`, through the trigram index for every word of 3 characters
 * or more; undefined when the query has no word. Exact, and slow for common words at a million tickets:
 * {@link searchConditionFor} finds the same tickets through the word list.
 */
export function searchCondition(q: string): RawBuilder<boolean> | undefined {
  const parsed = parseSearch(q);
  if (parsed === undefined) return undefined;
  if (!('words' in parsed)) return nonWordCondition(parsed);
  return allOf(parsed.words.map(wordCondition));
}

/** A whole email address (`ana@clinica.com.co`): searched as the address, not as any text containing it. */
const WHOLE_EMAIL = /^[^@\s]+@[^@\s]+\.[\p{L}\p{N}]{2,}$/u;

/** Whether the word is looked up in the trigram or tsvector index as typed, never in the word list. */
const searchedAsTyped = (word: string) => WHOLE_EMAIL.test(word) || word.length < 3;

function wordCondition(word: string): RawBuilder<boolean> {
  // The `simple` parser keeps an address as one lexeme: one lookup in the tsvector index (0.5 ms at 1,000,000
  // tickets), where its 25 trigrams took 110-160 ms; and `ana@x.com` no longer finds `mariana@x.com`.
  if (WHOLE_EMAIL.test(word)) {
    return sql<boolean>`search_vector @@ to_tsquery('simple', quote_literal(search_fold(${word})))`;
  }
  if (word.length >= 3) return sql<boolean>`search_text like ${containing(word)}`;
  // Quoted for to_tsquery (its operators & | ! : ( ) are then plain text), each lexeme a prefix.
  return sql<boolean>`search_vector @@ to_tsquery('simple', quote_literal(search_fold(${word})) || ':*')`;
}

/** The LIKE pattern of text containing `word`, folded as `search_text` is. */
const containing = (word: string) => sql<string>`search_fold(${`%${escapeLike(word)}%`})`;

/**
 * `search_text` contains the word, checked on the rows other conditions found: `search_text || ''` is not
 * the trigram index's expression, so the planner cannot turn this check into the trigram scan it replaces.
 */
const containsUnindexed = (word: string) => sql<boolean>`(search_text || '') like ${containing(word)}`;

/** Past this many vocabulary runs containing a word (`con`, `ion`), the word is looked up by its trigrams. */
export const MAX_RUNS_PER_WORD = 1_000;

/**
 * The same condition as {@link searchCondition}, with each word of 3 characters or more found through the
 * word list (`20261128_0502_search_words`): the word's runs of letters and digits are looked up in
 * `search_vocabulary` (one query for the whole search), and a ticket must hold, for each run, one of the
 * vocabulary's runs containing it. A word that is one run is then exactly found; any other (`ana@clinica`,
 * `e-factura`) is also checked as text on those tickets. Tickets with a run too long for the list (`#long`)
 * are checked as text. A word whose runs are all too short or too common keeps its trigram condition.
 */
export async function searchConditionFor(
  db: Kysely<Database>,
  q: string,
): Promise<RawBuilder<boolean> | undefined> {
  const parsed = parseSearch(q);
  if (parsed === undefined) return undefined;
  if (!('words' in parsed)) return nonWordCondition(parsed);
  const listed = parsed.words.filter((w) => !searchedAsTyped(w));
  const runs =
    listed.length === 0
      ? []
      : (
          await sql<{
            ord: string | number;
            folded: string;
            runs: string[];
            run: string | null;
            found: string[] | null;
          }>`
      select q.ord, search_fold(q.word) as folded, search_words_of(search_fold(q.word)) as runs, r.run,
             case when r.run is null then null
                  else array(select v.word from search_vocabulary v where v.word like '%' || r.run || '%'
                             limit ${MAX_RUNS_PER_WORD + 1}) end as found
      from unnest(${listed}::text[]) with ordinality q(word, ord)
      left join lateral unnest(search_words_of(search_fold(q.word))) r(run)
        on length(r.run) >= 3 and r.run <> '#long'
      order by q.ord, r.run`.execute(db)
        ).rows;
  // Per word: its condition on tickets whose runs are all listed, and the exact one for tickets with a `#long`
  // run (few; checked as text). Two branches for the whole search, not per word, so the planner can AND
  // the words' index scans. The `#long` tickets are found by `tickets_search_long_idx`, whose statistics tell
  // the planner how few they are (`20261128_0701_search_long_index`).
  const conditions = parsed.words.map((word) => {
    const typed = wordCondition(word);
    if (searchedAsTyped(word)) return { listed: typed, exact: typed };
    const mine = runs.filter((r) => Number(r.ord) === listed.indexOf(word) + 1);
    const usable = mine.filter(
      (r): r is typeof r & { found: string[] } => r.found !== null && r.found.length <= MAX_RUNS_PER_WORD,
    );
    if (usable.length === 0) return { listed: typed, exact: typed };
    const inList = usable.map((r) => sql<boolean>`search_words && ${r.found}::text[]`);
    const first = mine[0]!;
    const oneRun = first.runs.length === 1 && first.runs[0] === first.folded && usable.length === 1;
    return {
      listed: allOf(oneRun ? inList : [...inList, containsUnindexed(word)]),
      exact: containsUnindexed(word),
    };
  });
  if (conditions.every((c) => c.listed === c.exact)) return allOf(conditions.map((c) => c.listed));
  return sql<boolean>`(${allOf(conditions.map((c) => c.listed))}
    or (array_position(search_words, '#long') is not null and ${allOf(conditions.map((c) => c.exact))}))`;
}
