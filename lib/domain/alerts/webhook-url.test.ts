import { describe, expect, it } from 'vitest';
import { redactedWebhookUrl, webhookUrlProblem } from './webhook-url';

describe('a webhook URL', () => {
  it('may be any http or https URL, Slack and Discord webhooks with their secret path included', () => {
    for (const url of [
      'https://hooks.slack.com/services/T000/B000/XXXXXXXX',
      'https://discord.com/api/webhooks/123/abc-DEF',
      'http://127.0.0.1:3141/alerts',
      'https://alerts.example.com:8443/in?token=abc',
    ]) {
      expect(webhookUrlProblem(url), url).toBeNull();
    }
  });

  it('is refused when it is not an absolute URL', () => {
    expect(webhookUrlProblem('hooks.slack.com/services/x')).toMatch(/not a URL/);
    expect(webhookUrlProblem('')).toMatch(/not a URL/);
  });

  it('is refused for any other scheme', () => {
    expect(webhookUrlProblem('ftp://example.com/in')).toBe('only http and https URLs are allowed, not ftp');
    expect(webhookUrlProblem('file:///etc/passwd')).toMatch(/not file/);
    expect(webhookUrlProblem('javascript:alert(1)')).toMatch(/not javascript/);
  });

  it('is refused when it carries a user name or password', () => {
    expect(webhookUrlProblem('https://user:secret@example.com/in')).toMatch(/user name or password/);
    expect(webhookUrlProblem('https://user@example.com/in')).toMatch(/user name or password/);
  });

  it('is refused when longer than 2,000 characters', () => {
    expect(webhookUrlProblem(`https://example.com/${'a'.repeat(2_000)}`)).toMatch(/at most 2000/);
  });
});

describe('a webhook URL shown to someone who is not an admin', () => {
  it('keeps its origin and hides its path and query, where the secret is', () => {
    expect(redactedWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXX')).toBe('https://hooks.slack.com/…');
    expect(redactedWebhookUrl('http://127.0.0.1:3141/in?token=abc')).toBe('http://127.0.0.1:3141/…');
    expect(redactedWebhookUrl('https://alerts.example.com')).toBe('https://alerts.example.com');
  });
});
