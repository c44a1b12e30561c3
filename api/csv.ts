/** CSV for exports: RFC 4180 quoting, and cells that a spreadsheet would run as a formula neutralised. */

/** One cell: text, a number, or empty. */
export type CsvCell = string | number | null;

/** Leading characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as CSV: text starting like a formula gets a leading `'`; quoted when it holds `,`, `"`, CR or LF. */
export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: the header row then the rows, CRLF after every record (RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
