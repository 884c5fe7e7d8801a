import { describe, expect, it } from 'vitest';
import { reasonSchema } from './contract';

describe("an operator's reason", () => {
  it('is 3-500 characters of text, trimmed', () => {
    expect(reasonSchema.parse('  Fed headline  ')).toBe('Fed headline');
    expect(reasonSchema.safeParse('ab').success).toBe(false);
    expect(reasonSchema.safeParse('x'.repeat(501)).success).toBe(false);
    expect(reasonSchema.parse('Zürich désk, 东京 — ok')).toBe('Zürich désk, 东京 — ok');
  });

  it.each([
    ['a NUL byte', 'risk\u0000off', 'U+0000'],
    ['a line break', 'risk\r\noff', 'U+000D'],
    ['an escape sequence', 'risk \u001b[31m off', 'U+001B'],
    ['a C1 control', 'risk \u0085 off', 'U+0085'],
    ['a line separator', 'risk \u2028 off', 'U+2028'],
    ['a bidirectional override', 'risk \u202E off', 'U+202E'],
  ])('refuses %s, naming it', (_what, reason, code) => {
    const parsed = reasonSchema.safeParse(reason);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(code);
  });
});
