/**
 * The files a ticket email carries (issue 17): the public attachments its outbox payload lists, attached to
 * the mail when they are small enough together, else offered as download links: in the customer portal for
 * the requester's emails, to the ticket in the console for staff emails (a customer's reply told to its
 * assignee).
 *
 * The payload is only a list of ids: what is sent is read from the `attachments` table, and only files bound
 * to the row's ticket and not to an internal note count, so no payload (hand-written or not) can mail a note's
 * file or another ticket's. Either every file is attached or none is (a file missing from the store, or bytes
 * that no longer match their sha256, turn the whole email into links), and the choice depends only on the
 * rows and the store, so a retried delivery sends the same email.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AttachmentStore } from '../attachments/store';
import type { Database } from '../../db/schema';
import { escapeHtml } from './templates';

/** Default largest total of the files attached to one email: 2 MiB. */
export const DEFAULT_EMAIL_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;

/** Where the dispatcher reads the files it attaches, and how much it attaches at most. */
export interface EmailFileOptions {
  store: AttachmentStore;
  /** Largest total size (bytes) of the files attached to one email; above it the email carries links. */
  maxTotalBytes?: number;
}

/** One attached file, as nodemailer takes it. */
export interface MailFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** What one email says about its files. */
export interface EmailFiles {
  /** The files attached (all of them, or none). */
  attachments: MailFile[];
  /** Appended to the text body. */
  text: string;
  /** Appended to the HTML body (before `</body>`). */
  html: string;
}

const NONE: EmailFiles = { attachments: [], text: '', html: '' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** More ids than a message may carry are ignored (the API allows at most 100). */
const MAX_FILES = 100;

interface StoredFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
  storageKey: string;
  sha256: string;
}

/** The attachment ids a payload lists (`attachments: [{ id }]`), valid ids only, in order, once each. */
export function listedAttachmentIds(payload: Record<string, unknown>): string[] {
  const listed = payload.attachments;
  if (!Array.isArray(listed)) return [];
  const ids = listed
    .map((a: unknown) => (typeof a === 'object' && a !== null ? (a as { id?: unknown }).id : undefined))
    .filter((id): id is string => typeof id === 'string' && UUID.test(id));
  return [...new Set(ids)].slice(0, MAX_FILES);
}

/** The public files of `ticketNumber` among `ids`, in the order of `ids`. */
async function publicFiles(db: Kysely<Database>, ticketNumber: number, ids: string[]): Promise<StoredFile[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'name', 'size', 'content_type', 'storage_key', 'sha256'])
    .where('id', 'in', ids)
    .where('ticket_number', '=', ticketNumber)
    .where('internal', '=', false)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r === undefined
      ? []
      : [
          {
            id: r.id,
            name: r.name,
            size: Number(r.size),
            contentType: r.content_type,
            storageKey: r.storage_key,
            sha256: r.sha256,
          },
        ];
  });
}

/** The bytes of `file`, or `undefined` when the store has none or they are not the bytes uploaded. */
async function readFile(store: AttachmentStore, file: StoredFile): Promise<Buffer | undefined> {
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of await store.open(file.storageKey)) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      length += buffer.length;
      if (length > file.size) return undefined;
      chunks.push(buffer);
    }
    const bytes = Buffer.concat(chunks);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return bytes.length === file.size && sha256 === file.sha256 ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** The portal's download address of one file. */
export function portalFileUrl(base: string, ticketNumber: number, id: string): string {
  return `${base.replace(/\/+$/, '')}/v1/portal/tickets/${ticketNumber}/attachments/${id}`;
}

type Why = 'attached' | 'too_large' | 'unavailable';

type Texts = Record<'es' | 'en', Record<Why | 'noPortal', string>>;

const CUSTOMER_TEXTS: Texts = {
  es: {
    attached: 'Archivos adjuntos a este mensaje:',
    too_large:
      'Los archivos de este mensaje son demasiado grandes para el correo. Descárguelos desde el portal:',
    unavailable: 'No pudimos adjuntar los archivos de este mensaje. Descárguelos desde el portal:',
    noPortal: 'disponible en el portal de soporte',
  },
  en: {
    attached: 'Files attached to this message:',
    too_large: "This message's files are too large for email. Download them from the portal:",
    unavailable: "We could not attach this message's files. Download them from the portal:",
    noPortal: 'available in the support portal',
  },
};

const STAFF_TEXTS: Texts = {
  es: {
    attached: 'Archivos adjuntos a este mensaje:',
    too_large:
      'Los archivos de este mensaje son demasiado grandes para el correo. Están en el caso, en la consola:',
    unavailable: 'No pudimos adjuntar los archivos de este mensaje. Están en el caso, en la consola:',
    noPortal: 'disponible en el caso, en la consola',
  },
  en: {
    attached: 'Files attached to this message:',
    too_large: "This message's files are too large for email. They are on the ticket, in the console:",
    unavailable: "We could not attach this message's files. They are on the ticket, in the console:",
    noPortal: 'available on the ticket, in the console',
  },
};

/**
 * Where an email's files are linked when they are not attached: each in the customer portal (the
 * requester's emails), or the ticket in the console (staff emails). Without a base URL the names are listed.
 */
export type FileLinks =
  { audience: 'customer'; portalBaseUrl?: string } | { audience: 'staff'; consoleTicketUrl?: string };

/** A size as people read it: `850 B`, `12 KB`, `3.4 MB` (decimal point in English, comma in Spanish). */
function humanSize(bytes: number, lang: 'es' | 'en'): string {
  const [value, unit] =
    bytes < 1024 ? [bytes, 'B'] : bytes < 1_048_576 ? [bytes / 1024, 'KB'] : [bytes / 1_048_576, 'MB'];
  const shown = unit === 'B' ? String(value) : value < 10 ? value.toFixed(1) : String(Math.round(value));
  return `${lang === 'es' ? shown.replace('.', ',') : shown} ${unit}`;
}

function describe(
  files: StoredFile[],
  why: Why,
  lang: 'es' | 'en',
  link: (f: StoredFile) => string | undefined,
  texts: Texts,
): Pick<EmailFiles, 'text' | 'html'> {
  const t = texts[lang];
  const lines = files.map((f) => {
    const url = why === 'attached' ? undefined : link(f);
    const where = why === 'attached' ? '' : ` ${url ?? `(${t.noPortal})`}`;
    return { f, url, text: `- ${f.name} (${humanSize(f.size, lang)})${where}` };
  });
  const text = ['', '', t[why], ...lines.map((l) => l.text)].join('\n');
  const items = lines.map(({ f, url }) => {
    const label = `${escapeHtml(f.name)} (${humanSize(f.size, lang)})`;
    if (why === 'attached') return `<li>${label}</li>`;
    return url === undefined
      ? `<li>${label}, ${escapeHtml(t.noPortal)}</li>`
      : `<li><a href="${escapeHtml(url)}">${label}</a></li>`;
  });
  const html = `<p>${escapeHtml(t[why])}</p>\n<ul>${items.join('')}</ul>\n`;
  return { text, html };
}

/**
 * The files of one outbox row's email: attached when their total is at most `maxTotalBytes` and every one
 * reads back intact from the store, else links (`links`: to the portal, or the console's ticket; without a
 * base URL the names, and where they are).
 */
export async function emailFiles(
  db: Kysely<Database>,
  options: EmailFileOptions | undefined,
  row: { ticketNumber: number | null; locale: string; payload: Record<string, unknown> },
  links: FileLinks,
): Promise<EmailFiles> {
  const ids = listedAttachmentIds(row.payload);
  if (ids.length === 0 || row.ticketNumber === null) return NONE;
  const ticket = row.ticketNumber;
  const files = await publicFiles(db, ticket, ids);
  if (files.length === 0) return NONE;
  const lang = row.locale.toLowerCase().startsWith('en') ? 'en' : 'es';
  const link = (f: StoredFile) =>
    links.audience === 'staff'
      ? links.consoleTicketUrl
      : links.portalBaseUrl === undefined
        ? undefined
        : portalFileUrl(links.portalBaseUrl, ticket, f.id);
  const texts = links.audience === 'staff' ? STAFF_TEXTS : CUSTOMER_TEXTS;
  const max = options?.maxTotalBytes ?? DEFAULT_EMAIL_ATTACHMENT_MAX_BYTES;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (options === undefined) return { attachments: [], ...describe(files, 'unavailable', lang, link, texts) };
  if (total > max) return { attachments: [], ...describe(files, 'too_large', lang, link, texts) };
  const attachments: MailFile[] = [];
  for (const f of files) {
    const content = await readFile(options.store, f);
    if (content === undefined)
      return { attachments: [], ...describe(files, 'unavailable', lang, link, texts) };
    attachments.push({ filename: f.name, contentType: f.contentType, content });
  }
  return { attachments, ...describe(files, 'attached', lang, link, texts) };
}

/** `html` with `extra` inserted before its closing `</body>` (or appended when there is none). */
export function appendToHtml(html: string, extra: string): string {
  if (extra === '') return html;
  const at = html.lastIndexOf('</body>');
  return at < 0 ? html + extra : `${html.slice(0, at)}${extra}${html.slice(at)}`;
}
