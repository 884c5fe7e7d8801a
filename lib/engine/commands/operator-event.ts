import type { MarketBar } from '../../domain/market/types';
import { describeOrder, describePlan, overrideEvent, overridePlan, type OverridePlan } from '../../domain/strategies/override-plan';
import type { CommandRecord } from '../ports';
import type { SendOutcome, StrategyRunner } from '../strategy-runner';
import type { CommandResult } from './command-result';

export interface StrategyCommandOptions {
  readonly command: CommandRecord;
  readonly runner: StrategyRunner | undefined;
  readonly marketTime: number;
  /** The bar the orders are priced on: the one the broker is sent them on. */
  readonly bar: MarketBar;
}

/**
 * What an override does when what it would send is not what the operator was shown (`command.previewFingerprint`):
 * `report` sends anyway and says what differed (a stop must always work); `refuse` sends nothing (PREVIEW_CHANGED).
 */
export type PreviewPolicy = 'report' | 'refuse';

/**
 * Sends an operator's event to one strategy under the operator's name and reason, and says what came of it: done
 * with the move it caused and the orders it sent, or rejected with the machine's own reason (recorded as a refusal).
 * The orders are planned by the code the preview uses, on the snapshot the event meets, and compared with the
 * preview the operator confirmed.
 */
export async function sendOperatorEvent(
  { command, runner, marketTime, bar }: StrategyCommandOptions,
  action: 'defensive-exit' | 'recover',
  policy: PreviewPolicy,
): Promise<CommandResult> {
  if (!runner) return { status: 'rejected', outcome: `no strategy ${command.strategyId} is running` };
  const event = overrideEvent(action, marketTime, command.actor, command.reason);
  let planned: OverridePlan | null = null;
  const isPreviewed = (plan: OverridePlan) => command.previewFingerprint === null || command.previewFingerprint === plan.fingerprint;
  const previewNote = (plan: OverridePlan) => (command.previewFingerprint === null ? null : isPreviewed(plan));
  const { outcome } = await runner.sendOverride(event, { actor: command.actor, reason: command.reason, marketTime }, bar, (strategy) => {
    planned = overridePlan(action, [strategy], bar);
    return policy === 'report' || isPreviewed(planned);
  });
  const plan = planned as OverridePlan | null;
  if (!plan) throw new Error('the override was not planned');
  if (outcome === null) {
    return { status: 'rejected', code: 'PREVIEW_CHANGED', outcome: `not sent: what ${action} would send changed since the preview; now: ${describePlan(plan)}` };
  }
  return resultOf(runner, outcome, plan, previewNote(plan));
}

function resultOf(runner: StrategyRunner, outcome: SendOutcome, plan: OverridePlan, isPreviewed: boolean | null): CommandResult {
  switch (outcome.kind) {
    case 'transitioned':
      return { status: 'done', outcome: [`${runner.name}: ${outcome.from} -> ${outcome.to}; now ${runner.state}`, ...sentNotes(plan, isPreviewed)].join('; ') };
    case 'refused':
    case 'conflict':
      return { status: 'rejected', outcome: outcome.reason };
    case 'unchanged':
      return { status: 'rejected', outcome: `${runner.name} did not change state` };
    case 'fenced':
      return { status: 'failed', outcome: `${runner.name}: this server no longer runs it (its lease passed to another server); nothing was done, repeat the command` };
  }
}

/** What a plan sent and cancelled, and whether that is what the operator was shown (null: no preview was shown). */
export function sentNotes(plan: OverridePlan, isPreviewed: boolean | null): string[] {
  const cancels = plan.strategies.flatMap((strategy) => strategy.cancels.map((cancel) => `settles ${cancel.clientOrderId} at the broker`));
  const orders = plan.strategies.flatMap((strategy) => strategy.orders.map((order) => `${order.when === 'now' ? 'sent' : 'then'} ${describeOrder(order)}`));
  const preview = isPreviewed === null ? [] : [isPreviewed ? 'as previewed' : 'this differs from the preview the operator confirmed'];
  return [...cancels, ...orders, ...preview];
}
