/** A webhook URL's most characters: more is never a real endpoint. */
export const WEBHOOK_URL_MAX = 2_000;

/**
 * Why `text` cannot be a webhook's URL, or null when it can: an absolute http or https URL with a host and no
 * user name or password in it (a secret there would be shown on the settings page and stored in clear; a
 * Slack or Discord webhook carries its secret in the path, which we accept as it is).
 */
export function webhookUrlProblem(text: string): string | null {
  if (text.length > WEBHOOK_URL_MAX) return `the URL may be at most ${WEBHOOK_URL_MAX} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL: give an absolute http:// or https:// address';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs are allowed, not ${url.protocol.replace(/:$/, '')}`;
  if (url.hostname === '') return 'the URL has no host';
  if (url.username !== '' || url.password !== '') return 'the URL may not carry a user name or password: put the secret in the path or query, as Slack and Discord do';
  return null;
}

/**
 * `url` as people other than admins see it: its origin, and an ellipsis for a path or query (where Slack and
 * Discord keep the webhook's secret).
 */
export function redactedWebhookUrl(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/…`;
}
