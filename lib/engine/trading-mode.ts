import type { ModeCause, SystemMode } from '../domain/system-mode';
import type { SystemRecord, SystemStore } from './ports';

/**
 * The trading mode this engine acts on. It changes only through `change`, which stores the mode first:
 * memory never says RUNNING while the database says HALTED, and a restart reads what was stored.
 */
export class TradingMode {
  private constructor(
    private readonly store: SystemStore,
    private stored: SystemRecord,
  ) {}

  static async load(store: SystemStore): Promise<TradingMode> {
    return new TradingMode(store, await store.current());
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
    this.stored = await this.store.setMode({ mode, ...rest, marketTime: marketTime === null ? null : new Date(marketTime) });
  }
}
