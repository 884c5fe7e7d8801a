import type { AuditRow } from '../api/contract';

/** The export's columns, in order: the page's columns, plus each row's hash (to check a file against the chain). */
export const AUDIT_COLUMNS = ['id', 'at', 'kind', 'strategyId', 'actor', 'fromState', 'state', 'eventType', 'detail', 'marketTime', 'hash'] as const;

/** A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed with `'`: a reason is text. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | null): string {
  if (value === null) return '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(row: AuditRow): string {
  return `${AUDIT_COLUMNS.map((column) => csvCell(row[column])).join(',')}\r\n`;
}

export const CSV_HEADER = `${AUDIT_COLUMNS.join(',')}\r\n`;

/** The rows as a CSV (RFC 4180, CRLF) or a JSON array, one chunk per row: streamed, never held whole. */
export async function* exportChunks(rows: AsyncIterable<AuditRow>, format: 'csv' | 'json'): AsyncGenerator<string> {
  if (format === 'csv') {
    yield CSV_HEADER;
    for await (const row of rows) yield csvLine(row);
    return;
  }
  yield '[';
  let separator = '\n';
  for await (const row of rows) {
    yield separator + JSON.stringify(row);
    separator = ',\n';
  }
  yield '\n]\n';
}
