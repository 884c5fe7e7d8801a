import { expect, type APIRequestContext, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import { DEMO_USERS } from '../../lib/auth/demo-users';
import type { Role } from '../../lib/auth/roles';
import type { RunningServer } from './server';

const demoUser = (role: Role) => DEMO_USERS.find((user) => user.role === role)!;

/** Signs `page`'s browser context in as the demo user of `role`, the way the sign-in form does. */
export async function signIn(page: Page, server: RunningServer, role: Role = 'operator'): Promise<void> {
  const { email, password } = demoUser(role);
  const response = await page.context().request.post(`${server.url}/api/auth/sign-in/email`, {
    data: { email, password },
    headers: { origin: server.url },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/**
 * An API client signed in as the demo user of `role` (or anonymous), sending the app's own Origin as a
 * browser on its pages would: what a script of ours may do, never what another site may.
 */
export async function apiAs(
  playwright: PlaywrightWorkerArgs['playwright'],
  server: RunningServer,
  role: Role | 'anonymous',
): Promise<APIRequestContext> {
  const api = await playwright.request.newContext({ baseURL: server.url, extraHTTPHeaders: { origin: server.url } });
  if (role === 'anonymous') return api;
  const { email, password } = demoUser(role);
  const response = await api.post('/api/auth/sign-in/email', { data: { email, password } });
  expect(response.status(), await response.text()).toBe(200);
  return api;
}
