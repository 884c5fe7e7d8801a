import { describe, expect, it } from 'vitest';
import { addUserBody, changeRoleBody, reasonSchema, setupBody } from './contract';

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

describe('the first admin and new users', () => {
  const setup = { name: 'Ada First', email: 'Ada@Example.com', password: 'twelve chars!', passwordAgain: 'twelve chars!' };

  it('take the password twice alike, 12 to 128 characters, and an email kept in lower case', () => {
    expect(setupBody.parse(setup)).toMatchObject({ email: 'ada@example.com', password: 'twelve chars!' });
    expect(setupBody.safeParse({ ...setup, passwordAgain: 'twelve chars?' }).error?.issues[0]).toMatchObject({ path: ['passwordAgain'], message: 'The two passwords differ' });
    expect(setupBody.safeParse({ ...setup, password: 'short', passwordAgain: 'short' }).success).toBe(false);
    expect(setupBody.safeParse({ ...setup, password: 'x'.repeat(129), passwordAgain: 'x'.repeat(129) }).success).toBe(false);
    expect(setupBody.safeParse({ ...setup, email: 'not an email' }).success).toBe(false);
  });

  it('refuse a name that is not printable text on one line, a role that does not exist, and unknown fields', () => {
    const user = { email: 'new@example.com', name: 'New Hire', role: 'viewer', password: 'twelve chars!', reason: 'joins the desk' };
    expect(addUserBody.parse(user)).toEqual(user);
    expect(addUserBody.safeParse({ ...user, name: 'New\nHire' }).success).toBe(false);
    expect(addUserBody.safeParse({ ...user, role: 'root' }).success).toBe(false);
    expect(addUserBody.safeParse({ ...user, reason: undefined }).success).toBe(false);
    expect(changeRoleBody.safeParse({ role: 'admin', reason: 'promoted', banned: false }).success).toBe(false);
  });
});
