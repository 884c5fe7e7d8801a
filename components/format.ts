import type { StrategySummary } from '@/lib/api/contract';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '@/lib/domain/market/time';

const MARKET_TIME_ZONE = 'America/New_York';

const marketTimeParts = new Intl.DateTimeFormat('en-US', {
  timeZone: MARKET_TIME_ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * Market time in New York, e.g. "Fri 20 Nov 10:31 ET" (with `withSeconds`, "Fri 20 Nov 10:31:05 ET").
 * Assembled from parts so the output does not depend on the locale's punctuation.
 */
export function formatMarketTime(iso: string, { withSeconds = false }: { withSeconds?: boolean } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = marketTimeParts.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const clock = withSeconds ? `${part('hour')}:${part('minute')}:${part('second')}` : `${part('hour')}:${part('minute')}`;
  return `${part('weekday')} ${part('day')} ${part('month')} ${clock} ET`;
}

const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  signDisplay: 'exceptZero',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** Dollars with an explicit sign, e.g. "+$1,250.00" or "-$80.50", so gains and losses do not rely on color. */
export function formatMoney(dollars: number): string {
  return money.format(dollars);
}

/** A length of time as "12m", "1h 05m" or "3d 04h"; market bars are one minute apart, so no seconds. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, ms);
  const days = Math.floor(clamped / DAY_MS);
  const hours = Math.floor((clamped % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((clamped % HOUR_MS) / MINUTE_MS);
  if (days > 0) return `${days}d ${String(hours).padStart(2, '0')}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m`;
}

/** A running clock: "45s", "3m 12s", "1h 05m 12s", "3d 04h"; for the live "in state for" clock. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000) % 60;
  if (ms >= DAY_MS) return formatDuration(ms);
  const withSeconds = `${String(seconds).padStart(ms >= MINUTE_MS ? 2 : 1, '0')}s`;
  return ms < MINUTE_MS ? withSeconds : `${formatDuration(ms)} ${withSeconds}`;
}

/** Time spent in the current state, measured on the market clock (not the wall clock); null without a clock. */
export function formatTimeInState(stateSince: string, marketTime: string | null | undefined): string | null {
  if (!marketTime) return null;
  const elapsed = Date.parse(marketTime) - Date.parse(stateSince);
  return Number.isNaN(elapsed) ? null : formatDuration(elapsed);
}

/** "IRON_CONDOR" -> "Iron condor", "PUT_RATIO_112" -> "Put ratio 112". */
export function formatStructure(structure: string): string {
  const words = structure.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A position in one line, e.g. "Iron condor 580/585P 600/605C x1"; "flat" without one. */
export function formatPosition(position: StrategySummary['position']): string {
  if (!position || position.legs.length === 0) return 'flat';
  const strikes = (right: 'C' | 'P') => {
    const unique = [...new Set(position.legs.filter((leg) => leg.right === right).map((leg) => leg.strike))];
    return unique.length === 0 ? null : `${unique.sort((a, b) => a - b).map(formatStrike).join('/')}${right}`;
  };
  const size = Math.min(...position.legs.map((leg) => Math.abs(leg.quantity)));
  const underlyings = [...new Set(position.legs.map((leg) => leg.underlying))];
  const prefix = underlyings.length === 1 && underlyings[0] !== 'SPY' ? `${underlyings[0]} ` : '';
  return [formatStructure(position.structure), `${prefix}${strikes('P') ?? ''}`.trim() || null, strikes('C'), `x${size}`]
    .filter((part) => part !== null)
    .join(' ');
}

/** Strikes print without trailing zeros: 580, 582.5. */
export function formatStrike(strike: number): string {
  return String(Number(strike.toFixed(2)));
}

/** Prices of the underlying and the volatility index: two decimals. */
export function formatPrice(price: number): string {
  return price.toFixed(2);
}

/** A wall-clock time in the viewer's own time zone (not market time): when a request expires, when a row was written. */
export function formatClockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
