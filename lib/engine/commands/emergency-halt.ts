import { isFlat } from '../../domain/strategies/position';
import type { CommandRecord } from '../ports';
import type { StrategyRunner } from '../strategy-runner';
import type { TradingMode } from '../trading-mode';
import type { CommandResult } from './command-result';

export interface EmergencyHaltOptions {
  readonly command: CommandRecord;
  readonly mode: TradingMode;
  readonly runners: readonly StrategyRunner[];
  readonly marketTime: number;
  /** Why the current bar may not be traded on; empty when it may. */
  readonly dataProblems: readonly string[];
}

/**
 * Flattens everything (once: an emergency while in EMERGENCY changes nothing): the EMERGENCY mode is stored and
 * in force first (no strategy may enter from then on, also after a restart), then every strategy holding a
 * position is sent to EMERGENCY_EXIT under the operator's name. A strategy caught mid-order is covered too: its
 * machine flattens on the first bar it holds a position in EMERGENCY. Once every position is flat the engine
 * moves the system to HALTED. While the market data is unusable (stale, bad or quarantined), nobody is sent to
 * exit now: an exit priced from such a bar could cost anything, so each machine flattens on the first usable bar
 * instead (no entries is in force at once).
 */
export async function emergencyHalt({ command, mode, runners, marketTime, dataProblems }: EmergencyHaltOptions): Promise<CommandResult> {
  const stored = await mode.refresh();
  if (stored.mode === 'EMERGENCY') {
    // The first emergency's actor and reason stand; the repeat is on the record as a no-op.
    return { status: 'done', outcome: `no-op: already in EMERGENCY by ${stored.actor} (${stored.reason ?? 'no reason'}); nothing changed` };
  }
  await mode.change('EMERGENCY', { cause: 'operator', actor: command.actor, reason: command.reason, marketTime });
  const holding = runners.filter((runner) => !isFlat(runner.context.position) && runner.context.order === null);
  if (dataProblems.length > 0 && holding.length > 0) {
    const waiting = holding.map((runner) => runner.name).join(', ');
    return { status: 'done', outcome: `emergency; market data unusable (${dataProblems.join('; ')}): ${waiting} flatten on the first usable bar` };
  }
  const reason = `Emergency halt: ${command.reason}`;
  const exits = await Promise.all(
    holding.map(async (runner) => {
      const outcome = await runner.send(
        { type: 'operator.emergencyExit', actor: command.actor, reason, time: marketTime },
        { actor: command.actor, reason, marketTime },
      );
      return outcome.kind === 'transitioned' ? `${runner.name} exiting` : `${runner.name} not moved`;
    }),
  );
  return { status: 'done', outcome: ['emergency: flattening, then HALTED', ...exits].join('; ') };
}
