import { randomUUID } from 'node:crypto';
import { DEMO_USERS } from '../../lib/auth/demo-users';
import type { Role } from '../../lib/auth/roles';

const TIMEOUT_MS = 4_000;

type Answer = { status: number; body: unknown } | { failed: string };

/**
 * The chaos run's operators: the demo users, signed in over HTTP as a browser would be (their session cookie,
 * the server's own Origin), clicking on whichever server answers. Every server shares the sessions' database.
 */
export class Operators {
  private readonly cookies = new Map<Role, string>();

  async signIn(baseUrl: string, role: Role): Promise<void> {
    const { email, password } = DEMO_USERS.find((user) => user.role === role)!;
    const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      body: JSON.stringify({ email, password }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`sign-in as ${role} failed: ${response.status} ${await response.text()}`);
    const cookie = response.headers.getSetCookie().map((header) => header.split(';')[0]).join('; ');
    this.cookies.set(role, cookie);
  }

  /** POSTs an operator action; the answer's status and body, or the failure (a server that died meanwhile). */
  post(baseUrl: string, role: Role, path: string, body: unknown): Promise<Answer> {
    return this.send(baseUrl, role, 'POST', path, body);
  }

  async send(baseUrl: string, role: Role, method: 'POST' | 'PUT', path: string, body: unknown): Promise<Answer> {
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          origin: baseUrl,
          cookie: this.cookies.get(role) ?? '',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    } catch (error) {
      return { failed: error instanceof Error ? error.message : String(error) };
    }
  }
}
