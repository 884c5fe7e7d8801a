/**
 * What the control room tells people outside it about: the kinds of event a webhook may ask for. One signal
 * may be of several kinds (an emergency is a halt and a mode change; a circuit breaker opening is a strategy
 * entering ERROR), and a webhook that asks for any of them gets it once.
 */
export const ALERT_EVENT_KINDS = ['strategy-error', 'circuit-breaker', 'halt', 'mode-change', 'takeover', 'command-failed'] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

/** How each kind is named to people (the settings page's checkboxes, the bodies' titles). */
export const ALERT_EVENT_LABELS: Readonly<Record<AlertEventKind, string>> = {
  'strategy-error': 'A strategy entering ERROR',
  'circuit-breaker': 'A circuit breaker opening',
  halt: 'A halt or emergency',
  'mode-change': 'Any trading mode change',
  takeover: 'A takeover of another server’s strategies',
  'command-failed': 'A failed operator command',
};

/** The kind a test alert is delivered as: sent to one webhook on request, whatever kinds it asks for. */
export const TEST_ALERT_KIND = 'test';
export type DeliveredKind = AlertEventKind | typeof TEST_ALERT_KIND;

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** A detail's value: what every body format can show as text. */
export type AlertDetail = string | number | boolean | null | readonly string[];

export interface Alert {
  /** The kinds this alert is of; the first is its own (what a delivery is recorded as). Never empty. */
  readonly kinds: readonly [DeliveredKind, ...DeliveredKind[]];
  readonly severity: AlertSeverity;
  /** One line a person reads first. */
  readonly summary: string;
  readonly details: Readonly<Record<string, AlertDetail>>;
  /** When it happened (ISO 8601). */
  readonly time: string;
}

/** Whether a webhook asking for `events` is sent `alert`: when it asks for any kind the alert is of. */
export function isWantedBy(alert: Alert, events: readonly string[]): boolean {
  return alert.kinds.some((kind) => events.includes(kind));
}

/** The alert Send test delivers: it shows a webhook's format end to end without anything having happened. */
export function testAlert(by: string, time: Date): Alert {
  return {
    kinds: [TEST_ALERT_KIND],
    severity: 'info',
    summary: `Test alert from Wheelhouse, sent by ${by}`,
    details: { sentBy: by },
    time: time.toISOString(),
  };
}
