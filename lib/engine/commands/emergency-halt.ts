import type { MarketBar } from '../../domain/market/types';
import { isHaltExit } from '../../domain/strategies/lifecycle/override-orders';
import { describeOrder, emergencyHaltPlan, overrideEvent } from '../../domain/strategies/override-plan';
import type { CommandRecord, StrategyStore } from '../ports';
import type { StrategyRunner } from '../strategy-runner';
import type { TradingMode } from '../trading-mode';
import { TransitionBatch } from '../transition-batch';
import type { WorkingOrderCancels } from '../working-order-cancels';
import type { CommandResult } from './command-result';
import { previewNote } from './operator-event';

export interface EmergencyHaltOptions {
  readonly command: CommandRecord;
  readonly mode: TradingMode;
  readonly runners: readonly StrategyRunner[];
  /** Where the moves to EMERGENCY_EXIT are stored, all in one write. */
  readonly strategies: Pick<StrategyStore, 'recordTransitions'>;
  readonly cancels: WorkingOrderCancels;
  readonly marketTime: number;
  /** The bar the exits are priced on: the one the broker is sent them on. */
  readonly bar: MarketBar;
  /** Why the current bar may not be traded on; empty when it may. */
  readonly dataProblems: readonly string[];
}

/**
 * Flattens everything (once: an emergency while in EMERGENCY changes nothing): the EMERGENCY mode is stored and
 * in force first (no strategy may enter from then on, also after a restart), then at once: every strategy holding a
 * position is sent to EMERGENCY_EXIT under the operator's name (all stored in one write), and every order out that
 * adds risk is cancelled at the broker (an entry rolls back, its filled legs unwound); closes already out stay, so
 * nothing is closed twice. A strategy caught mid-order is covered too: its machine flattens on the first bar it
 * holds a position in EMERGENCY. Once every position is flat the engine moves the system to HALTED. While the market
 * data is unusable (stale, bad or quarantined), nobody is sent to exit now: an exit priced from such a bar could
 * cost anything, so each machine flattens on the first usable bar instead (no entries is in force at once).
 */
export async function emergencyHalt({ command, mode, runners, strategies, cancels, marketTime, bar, dataProblems }: EmergencyHaltOptions): Promise<CommandResult> {
  const stored = await mode.refresh();
  if (stored.mode === 'EMERGENCY') {
    // The first emergency's actor and reason stand; the repeat is on the record as a no-op.
    return { status: 'done', outcome: `no-op: already in EMERGENCY by ${stored.actor} (${stored.reason ?? 'no reason'}); nothing changed` };
  }
  // Never held back by a changed preview: stopping must always work; the outcome says what differed.
  const previewed = previewNote(command, emergencyHaltPlan(runners.map((runner) => runner.planSubject), stored.mode, bar));
  await mode.change('EMERGENCY', { cause: 'operator', actor: command.actor, reason: command.reason, marketTime });
  const [flattened, cancelled] = await Promise.all([flatten({ command, runners, strategies, marketTime, bar, dataProblems }), cancels.cancelWorking(runners)]);
  const cancelNote = cancelled.requested === 0 ? [] : [`${cancelled.requested} orders out cancelled (${cancelled.unanswered} not yet answered by the broker)`];
  const headline = flattened.kind === 'waiting' ? `emergency; ${flattened.note}` : 'emergency: flattening, then HALTED';
  return { status: 'done', outcome: [headline, ...cancelNote, ...(flattened.kind === 'sent' ? flattened.exits : []), ...previewed].join('; ') };
}

type Flattening = { readonly kind: 'sent'; readonly exits: readonly string[] } | { readonly kind: 'waiting'; readonly note: string };

/** Sends every strategy holding a position (and no order out) to EMERGENCY_EXIT, or says who waits for usable data. */
async function flatten({ command, runners, strategies, marketTime, bar, dataProblems }: Omit<EmergencyHaltOptions, 'mode' | 'cancels'>): Promise<Flattening> {
  const holding = runners.filter((runner) => isHaltExit(runner.context));
  if (dataProblems.length > 0 && holding.length > 0) {
    const waiting = holding.map((runner) => runner.name).join(', ');
    return { kind: 'waiting', note: `market data unusable (${dataProblems.join('; ')}): ${waiting} flatten on the first usable bar` };
  }
  const reason = `Emergency halt: ${command.reason}`;
  const batch = new TransitionBatch(strategies);
  const exits = await Promise.all(
    holding.map(async (runner) => {
      const { plan, outcome } = await runner.sendOverride(
        overrideEvent('emergency-halt', marketTime, command.actor, reason),
        { actor: command.actor, reason, marketTime },
        bar,
        () => true,
        batch,
      );
      if (outcome?.kind !== 'transitioned') return `${runner.name} not moved`;
      return [`${runner.name} exiting`, ...plan.orders.map((order) => `sent ${describeOrder(order)}`)].join(': ');
    }),
  );
  return { kind: 'sent', exits };
}
