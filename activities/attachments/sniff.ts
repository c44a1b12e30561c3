/**
 * The content type of a file, read from its first bytes (magic numbers), never from the client's name
 * or header. Only the types on the allow-list are recognised; anything else is `undefined` (refused).
 */

/** Bytes the sniffer needs from the start of a file. */
export const SNIFF_BYTES = 512;

/** The types an attachment may have: images, PDF, plain text, zip and the Office formats built on it. */
export const ALLOWED_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'application/zip',
  'text/plain',
] as const;

/** A type on the allow-list. */
export type AllowedType = (typeof ALLOWED_TYPES)[number];

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0): boolean =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/**
 * Plain text: no NUL and no C0 control other than tab, line feed, form feed and carriage return (or ESC),
 * and valid UTF-8 (a multi-byte sequence cut by the end of the sample is allowed).
 */
function isPlainText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let i = 0;
  while (i < head.length) {
    const b = head[i]!;
    if (b < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d, 0x1b].includes(b)) return false;
    if (b === 0x7f) return false;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const extra = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1;
    if (extra < 0) return false;
    for (let k = 1; k <= extra; k += 1) {
      if (i + k >= head.length) return true;
      if ((head[i + k]! & 0xc0) !== 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

/** The allowed type these first bytes are, or `undefined` when they are none of them. */
export function sniffContentType(head: Uint8Array): AllowedType | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, ascii('%PDF-'))) return 'application/pdf';
  // Zip (and docx, xlsx, pptx, odt): a local file header, or the end record of an empty archive.
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    return 'application/zip';
  }
  // A UTF-8 byte order mark is text; other binary formats (executables, archives) fail the text check.
  if (isPlainText(head)) return 'text/plain';
  return undefined;
}
