import { describe, expect, it } from 'vitest';
import type { AuditRow } from '../api/contract';
import { csvCell, exportChunks } from './audit-export';

const row = (overrides: Partial<AuditRow> = {}): AuditRow => ({
  id: '7',
  at: '2026-12-02T10:00:00.000Z',
  kind: 'transition',
  strategyId: 'alpha',
  actor: 'system',
  fromState: 'WAITING',
  state: 'VALIDATION',
  eventType: 'market.tick',
  detail: null,
  marketTime: '2026-11-20T15:00:00.000Z',
  hash: 'ab12',
  ...overrides,
});

async function text(format: 'csv' | 'json', rows: AuditRow[]): Promise<string> {
  async function* source() {
    yield* rows;
  }
  let all = '';
  for await (const chunk of exportChunks(source(), format)) all += chunk;
  return all;
}

describe('audit export', () => {
  it('quotes a CSV cell holding a comma, a quote or a line break, and leaves plain text alone', () => {
    expect(csvCell('plain reason')).toBe('plain reason');
    expect(csvCell('risk, again')).toBe('"risk, again"');
    expect(csvCell('say "halt"')).toBe('"say ""halt"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
  });

  it('defuses a cell a spreadsheet would run as a formula', () => {
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx']) expect(csvCell(formula)).toBe(`'${formula}`);
  });

  it('writes a header and one CRLF line per row, in the columns the header names', async () => {
    expect(await text('csv', [row(), row({ id: '6', detail: 'a, b' })])).toBe(
      'id,at,kind,strategyId,actor,fromState,state,eventType,detail,marketTime,hash\r\n' +
        '7,2026-12-02T10:00:00.000Z,transition,alpha,system,WAITING,VALIDATION,market.tick,,2026-11-20T15:00:00.000Z,ab12\r\n' +
        '6,2026-12-02T10:00:00.000Z,transition,alpha,system,WAITING,VALIDATION,market.tick,"a, b",2026-11-20T15:00:00.000Z,ab12\r\n',
    );
  });

  it('writes JSON that parses back to the rows, also when there are none', async () => {
    const rows = [row(), row({ id: '6', detail: 'quote " and \n newline' })];
    expect(JSON.parse(await text('json', rows))).toEqual(rows);
    expect(JSON.parse(await text('json', []))).toEqual([]);
  });
});
