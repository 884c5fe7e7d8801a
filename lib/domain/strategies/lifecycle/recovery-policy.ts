import type { EpochMs } from '../../market/types';
import { isFlat, type Position } from '../position';
import { MAX_BACKOFF_MINUTES } from './lifecycle-limits';
import { positionAfter } from './order-replies';
import type { OrderUpdate, PendingOrder, RecoveryContext, StrategyContext } from './types';

export interface RecoveryResolution {
  readonly next: 'ACTIVE' | 'WAITING' | 'COMPLETE' | 'DEFENSIVE_EXIT';
  readonly position: Position | null;
  readonly reason: string;
}

/**
 * Where recovery lands once the order in doubt is settled at the broker (cancelled if still working, its
 * fills read): never guessing, and never sending the same intent twice — a new order gets a new id.
 */
export function resolveRecovery(context: StrategyContext<unknown>, update: OrderUpdate | null): RecoveryResolution {
  const order = context.recovery?.order ?? null;
  const matches = update !== null && order !== null && update.clientOrderId === order.clientOrderId;
  const position = matches ? positionAfter(context, order, update) : context.position;
  const flat = isFlat(position);
  const status = matches ? update.status : 'UNKNOWN';
  const what = order ? `order ${order.clientOrderId} ${status.toLowerCase()}` : 'no order in doubt';
  if (order && status === 'FILLED') {
    if (order.purpose === 'CLOSE') return flat ? { next: 'COMPLETE', position, reason: `${what}: closed` } : { next: 'DEFENSIVE_EXIT', position, reason: `${what} but legs remain: closing them` };
    if (order.purpose === 'UNWIND') return flat ? { next: 'WAITING', position, reason: `${what}: entry unwound` } : { next: 'DEFENSIVE_EXIT', position, reason: `${what} but legs remain: closing them` };
    return { next: 'ACTIVE', position, reason: `${what}: position held` };
  }
  if (flat) return { next: order?.purpose === 'CLOSE' ? 'COMPLETE' : 'WAITING', position, reason: `${what}: nothing held` };
  if (!order) return { next: 'ACTIVE', position, reason: 'no order in doubt: position held' };
  if (order.purpose === 'ADJUST' && (!matches || update.legFills.length === 0)) {
    return { next: 'ACTIVE', position, reason: `${what}: adjustment not made, position unchanged` };
  }
  return { next: 'DEFENSIVE_EXIT', position, reason: `${what} with legs held: closing them` };
}

/** A recovery that starts now: its first look at the broker is due at once. */
export function beginRecovery(cause: RecoveryContext['cause'], time: EpochMs, order: PendingOrder | null): RecoveryContext {
  return { cause, since: time, attempts: 0, nextAttemptAt: time, order };
}

/** Minutes until the next look at the broker after `attempts` failed looks: 2, 4, 8, 16, then 16. */
export const backoffMinutes = (attempts: number): number => Math.min(2 ** attempts, MAX_BACKOFF_MINUTES);
