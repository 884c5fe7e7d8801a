import { nyParts } from '../market/calendar';
import { daysToExpiry } from '../market/option-chain';
import type { EpochMs, OptionContract } from '../market/types';
import type { Position } from './position';

/**
 * The seed's ObjectStore record of a strategy (STATE_MACHINE_ARCHITECTURE.md, "ObjectStore Schema"), exactly
 * its shape: what another system, or a person, reads to know where a strategy is.
 */
export interface ObjectStoreRecord {
  readonly strategy: string;
  readonly state: string;
  /** New York wall time of the entry, without an offset as in the seed (`2024-01-15T10:30:00`); null while flat. */
  readonly entry_time: string | null;
  /** One key per leg (`short_put`, `long_put`, `short_call`, `long_call`; a second one of a kind `_2`), and `contracts`. */
  readonly position: Readonly<Record<string, string | number>>;
  readonly management: {
    readonly dte_at_entry: number | null;
    readonly current_dte: number | null;
    readonly defensive_triggered: boolean;
  };
}

export interface RecordInput {
  readonly name: string;
  readonly state: string;
  readonly position: Position | null;
  /** The market clock's time: current DTE is counted from its New York date. */
  readonly marketTime: EpochMs;
  /** Whether this cycle went through a defensive state (any `DEFENSIVE_*`), now or earlier. */
  readonly defensiveTriggered: boolean;
}

/** `SPY_240501P450`: underlying, expiry as YYMMDD, right, strike (as the seed writes an option). */
export function optionSymbol({ underlying, expiry, right, strike }: OptionContract): string {
  return `${underlying}_${expiry.slice(2).replaceAll('-', '')}${right}${strike}`;
}

function nyWallTime(time: EpochMs): string {
  const { date, hour, minute } = nyParts(time);
  return `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
}

export function objectStoreRecord({ name, state, position, marketTime, defensiveTriggered }: RecordInput): ObjectStoreRecord {
  const legs = position?.legs ?? [];
  const held: Record<string, string | number> = {};
  for (const { contract, quantity } of legs) {
    const base = `${quantity < 0 ? 'short' : 'long'}_${contract.right === 'P' ? 'put' : 'call'}`;
    let key = base;
    for (let n = 2; key in held; n += 1) key = `${base}_${n}`;
    held[key] = optionSymbol(contract);
  }
  const nearest = legs.map((leg) => leg.contract.expiry).sort()[0];
  const isOpen = nearest !== undefined && position !== null;
  return {
    strategy: name,
    state,
    entry_time: isOpen ? nyWallTime(position.openedAt) : null,
    position: isOpen ? { ...held, contracts: Math.min(...legs.map((leg) => Math.abs(leg.quantity))) } : {},
    management: {
      dte_at_entry: isOpen ? daysToExpiry(nearest, nyParts(position.openedAt).date) : null,
      current_dte: isOpen ? daysToExpiry(nearest, nyParts(marketTime).date) : null,
      defensive_triggered: defensiveTriggered,
    },
  };
}
