import { describe, expect, it } from 'vitest';
import type { Alert } from './alert';
import { alertBody } from './alert-bodies';

const ALERT: Alert = {
  kinds: ['circuit-breaker', 'strategy-error'],
  severity: 'critical',
  summary: '0DTE Friday entered ERROR: circuit breaker open',
  details: { strategy: 'zero-dte-friday', from: 'ENTERING', reasons: ['timeout', 'rejected'], circuitBreaker: true, outcome: null },
  time: '2026-11-20T15:31:00.000Z',
};

describe('the bodies a webhook is sent', () => {
  it('generic: the kind, every kind, severity, summary, details, time and the server, as they are', () => {
    expect(alertBody(ALERT, 'generic', 'host-a:12:abcd')).toEqual({
      kind: 'circuit-breaker',
      kinds: ['circuit-breaker', 'strategy-error'],
      severity: 'critical',
      summary: '0DTE Friday entered ERROR: circuit breaker open',
      details: ALERT.details,
      time: '2026-11-20T15:31:00.000Z',
      server: 'host-a:12:abcd',
    });
  });

  it('slack: a text line with the severity, and blocks holding the details and where it came from', () => {
    const body = alertBody(ALERT, 'slack', 'host-a');
    expect(body).toMatchObject({ text: '[CRITICAL] 0DTE Friday entered ERROR: circuit breaker open' });
    const text = JSON.stringify(body);
    expect(text).toContain('*reasons*: timeout, rejected');
    expect(text).toContain('*outcome*: -');
    expect(text).toContain('circuit-breaker · host-a · 2026-11-20T15:31:00.000Z');
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
  });

  it('discord: content with the severity, one embed coloured by severity with a field per detail', () => {
    const body = alertBody(ALERT, 'discord', 'host-a');
    expect(body).toEqual({
      content: '[CRITICAL] 0DTE Friday entered ERROR: circuit breaker open',
      embeds: [
        {
          title: 'circuit-breaker',
          color: 0xdc2626,
          timestamp: '2026-11-20T15:31:00.000Z',
          footer: { text: 'host-a' },
          fields: [
            { name: 'strategy', value: 'zero-dte-friday', inline: true },
            { name: 'from', value: 'ENTERING', inline: true },
            { name: 'reasons', value: 'timeout, rejected', inline: true },
            { name: 'circuitBreaker', value: 'true', inline: true },
            { name: 'outcome', value: '-', inline: true },
          ],
        },
      ],
    });
  });

  it('keeps within Slack and Discord limits however long the summary and details are', () => {
    const long: Alert = { ...ALERT, summary: 'x'.repeat(10_000), details: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`d${i}`, 'y'.repeat(5_000)])) };
    const slack = alertBody(long, 'slack', 'host') as { text: string; blocks: { text?: { text: string } }[] };
    expect(slack.text.length).toBeLessThanOrEqual(3_000);
    for (const block of slack.blocks) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3_000);
    const discord = alertBody(long, 'discord', 'host') as { content: string; embeds: { fields: { value: string }[] }[] };
    expect(discord.content.length).toBeLessThanOrEqual(2_000);
    expect(discord.embeds[0]!.fields).toHaveLength(25);
    for (const field of discord.embeds[0]!.fields) expect(field.value.length).toBeLessThanOrEqual(1_024);
  });
});
