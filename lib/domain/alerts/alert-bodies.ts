import type { Alert, AlertDetail, AlertSeverity } from './alert';

/** How a webhook wants its body: our own JSON, or what a Slack or Discord incoming webhook accepts. */
export const ALERT_FORMATS = ['generic', 'slack', 'discord'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** The generic body: everything about the alert, for a receiver of one's own. */
export interface GenericAlertBody {
  readonly kind: string;
  readonly kinds: readonly string[];
  readonly severity: AlertSeverity;
  readonly summary: string;
  readonly details: Readonly<Record<string, AlertDetail>>;
  readonly time: string;
  /** Which Wheelhouse server raised it. */
  readonly server: string;
}

/** Slack's incoming-webhook body: `text` is the notification's (and the fallback's) line, `blocks` the message. */
export interface SlackAlertBody {
  readonly text: string;
  readonly blocks: readonly unknown[];
}

/** Discord's webhook body: `content` is the message line, one embed carries the details. */
export interface DiscordAlertBody {
  readonly content: string;
  readonly embeds: readonly unknown[];
}

export type AlertBody = GenericAlertBody | SlackAlertBody | DiscordAlertBody;

// Their documented limits, kept well inside: Slack's section text 3,000; Discord's content 2,000, an embed's
// description 4,096, a field's value 1,024 and 25 fields.
const SLACK_TEXT_MAX = 2_900;
const DISCORD_CONTENT_MAX = 1_900;
const DISCORD_FIELD_MAX = 1_000;
const DISCORD_FIELDS_MAX = 25;

const SEVERITY_MARK: Readonly<Record<AlertSeverity, string>> = { info: 'INFO', warning: 'WARNING', critical: 'CRITICAL' };
/** Discord embed colours: slate, amber, red. */
const DISCORD_COLOUR: Readonly<Record<AlertSeverity, number>> = { info: 0x64748b, warning: 0xf59e0b, critical: 0xdc2626 };

/** The body `alert` is POSTed with to a webhook of `format`, naming the `server` it came from. */
export function alertBody(alert: Alert, format: AlertFormat, server: string): AlertBody {
  if (format === 'slack') return slackBody(alert, server);
  if (format === 'discord') return discordBody(alert, server);
  return { kind: alert.kinds[0], kinds: alert.kinds, severity: alert.severity, summary: alert.summary, details: alert.details, time: alert.time, server };
}

function headline(alert: Alert): string {
  return `[${SEVERITY_MARK[alert.severity]}] ${alert.summary}`;
}

function slackBody(alert: Alert, server: string): SlackAlertBody {
  const lines = Object.entries(alert.details).map(([name, value]) => `*${name}*: ${textOf(value)}`);
  return {
    text: truncate(headline(alert), SLACK_TEXT_MAX),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${headline(alert)}*`, SLACK_TEXT_MAX) } },
      ...(lines.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), SLACK_TEXT_MAX) } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`${alert.kinds[0]} · ${server} · ${alert.time}`, SLACK_TEXT_MAX) }] },
    ],
  };
}

function discordBody(alert: Alert, server: string): DiscordAlertBody {
  const fields = Object.entries(alert.details)
    .slice(0, DISCORD_FIELDS_MAX)
    .map(([name, value]) => ({ name, value: truncate(textOf(value) || '-', DISCORD_FIELD_MAX), inline: true }));
  return {
    content: truncate(headline(alert), DISCORD_CONTENT_MAX),
    embeds: [{ title: alert.kinds[0], color: DISCORD_COLOUR[alert.severity], fields, timestamp: alert.time, footer: { text: truncate(server, DISCORD_FIELD_MAX) } }],
  };
}

function textOf(value: AlertDetail): string {
  if (value === null) return '-';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
