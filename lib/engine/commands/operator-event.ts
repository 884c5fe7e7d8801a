import type { MarketBar } from '../../domain/market/types';
import { describeOrder, describePlan, overrideEvent, overridePlan, previewDifference, type OverridePlan, type StrategyPlan } from '../../domain/strategies/override-plan';
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
 * `report` sends anyway and says what differed (a stop must always work); `refuse` sends nothing when the orders,
 * cancels or destination changed (PREVIEW_CHANGED), and goes on, saying so, when only prices moved.
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
  const shown = command.previewFingerprint;
  const shouldSend = (strategy: StrategyPlan) =>
    policy === 'report' || shown === null || previewDifference(shown, overridePlan(action, [strategy], bar)) !== 'orders';
  const sent = await runner.sendOverride(event, { actor: command.actor, reason: command.reason, marketTime }, bar, shouldSend);
  const plan = overridePlan(action, [sent.plan], bar);
  const { outcome } = sent;
  if (outcome === null) {
    return { status: 'rejected', code: 'PREVIEW_CHANGED', outcome: `not sent: what ${action} would do changed since the preview; now: ${describePlan(plan)}` };
  }
  return resultOf(runner, outcome, [...sentNotes(plan), ...previewNote(command, plan)]);
}

function resultOf(runner: StrategyRunner, outcome: SendOutcome, notes: readonly string[]): CommandResult {
  switch (outcome.kind) {
    case 'transitioned':
      return { status: 'done', outcome: [`${runner.name}: ${outcome.from} -> ${outcome.to}; now ${runner.state}`, ...notes].join('; ') };
    case 'refused':
    case 'conflict':
      return { status: 'rejected', outcome: outcome.reason };
    case 'unchanged':
      return { status: 'rejected', outcome: `${runner.name} did not change state` };
    case 'fenced':
      return { status: 'failed', outcome: `${runner.name}: this server no longer runs it (its lease passed to another server); nothing was done, repeat the command` };
  }
}

/** What a plan sent and settled, order by order. */
function sentNotes(plan: OverridePlan): string[] {
  const cancels = plan.strategies.flatMap((strategy) => strategy.cancels.map((cancel) => `settles ${cancel.clientOrderId} at the broker`));
  const orders = plan.strategies.flatMap((strategy) => strategy.orders.map((order) => `${order.when === 'now' ? 'sent' : 'then'} ${describeOrder(order)}`));
  return [...cancels, ...orders];
}

/** Whether what was sent is what the operator was shown; nothing when no preview was shown. */
export function previewNote(command: CommandRecord, plan: OverridePlan): string[] {
  if (command.previewFingerprint === null) return [];
  const difference = previewDifference(command.previewFingerprint, plan);
  if (difference === 'same') return ['as previewed'];
  if (difference === 'prices') return ['as previewed, at the limit prices of the bar it was sent on (prices moved since the preview)'];
  return ['this differs from the preview the operator confirmed (other orders, cancels or states)'];
}
