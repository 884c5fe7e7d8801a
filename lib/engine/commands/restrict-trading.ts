import { isStricter, type SystemMode } from '../../domain/system-mode';
import type { CommandRecord } from '../ports';
import type { TradingMode } from '../trading-mode';
import type { CommandResult } from './command-result';

export interface RestrictTradingOptions {
  readonly command: CommandRecord;
  readonly mode: TradingMode;
  /** HALTED (no entries) or REDUCING (only orders that shrink risk). */
  readonly to: Extract<SystemMode, 'HALTED' | 'REDUCING'>;
  readonly marketTime: number;
}

const EFFECTS: Record<RestrictTradingOptions['to'], string> = {
  HALTED: 'no entries; positions managed by their rules',
  REDUCING: 'only orders that shrink risk',
};

/**
 * A stop is one step: any operator moves the system to a stricter mode with a reason. A mode already as strict
 * or stricter stays (loosening is a resume, which takes a second person), and the no-op is on the record.
 */
export async function restrictTrading({ command, mode, to, marketTime }: RestrictTradingOptions): Promise<CommandResult> {
  const stored = await mode.refresh();
  if (!isStricter(to, stored.mode)) {
    return { status: 'done', outcome: `no-op: already ${stored.mode} (set by ${stored.actor}: ${stored.reason ?? 'no reason'}); nothing changed` };
  }
  await mode.change(to, { cause: 'operator', actor: command.actor, reason: command.reason, marketTime });
  return { status: 'done', outcome: `${to}: ${EFFECTS[to]}` };
}
