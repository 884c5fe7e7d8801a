import type { ModeCause, SystemMode } from '../domain/system-mode';
import { NO_SIGNALS, type EngineSignals, type Lease, type SystemRecord, type SystemStore } from './ports';

/**
 * The trading mode this engine acts on. It changes only through `change`, which stores the mode first:
 * memory never says RUNNING while the database says HALTED, and a restart reads what was stored.
 */
export class TradingMode {
  private constructor(
    private readonly store: SystemStore,
    private stored: SystemRecord,
    private readonly fence: () => Lease | null,
    private readonly signals: EngineSignals,
  ) {}

  /**
   * `fence`: the clock's lease, which every change is made under (only the clock's server changes the mode);
   * `signals` hears of every change (alerts, metrics).
   */
  static async load(store: SystemStore, { fence = () => null, signals = NO_SIGNALS }: { fence?: () => Lease | null; signals?: EngineSignals } = {}): Promise<TradingMode> {
    return new TradingMode(store, await store.current(), fence, signals);
  }

  get current(): SystemMode {
    return this.stored.mode;
  }

  /** What put the system in the current mode. */
  get cause(): ModeCause {
    return this.stored.cause;
  }

  /** The mode as last stored or read: who set it, why, and when. */
  get record(): SystemRecord {
    return this.stored;
  }

  /** Re-reads the stored mode (and who set it), and acts on it from now on. */
  async refresh(): Promise<SystemRecord> {
    this.stored = await this.store.current();
    return this.stored;
  }

  async change(mode: SystemMode, change: { cause: ModeCause; actor: string; reason: string; marketTime: number | null }): Promise<void> {
    const { marketTime, ...rest } = change;
    const previous = this.stored.mode;
    this.stored = await this.store.setMode({ mode, ...rest, marketTime: marketTime === null ? null : new Date(marketTime) }, this.fence());
    this.signals.emit({ kind: 'mode', mode, previous, cause: change.cause, actor: change.actor, reason: change.reason });
  }
}
