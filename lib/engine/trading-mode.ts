import type { SystemMode } from '../domain/system-mode';
import type { SystemRecord, SystemStore } from './ports';

/**
 * The trading mode this engine acts on. It changes only through `change`, which stores the mode first:
 * memory never says RUNNING while the database says HALTED, and a restart reads what was stored.
 */
export class TradingMode {
  private constructor(
    private readonly store: SystemStore,
    private mode: SystemMode,
  ) {}

  static async load(store: SystemStore): Promise<TradingMode> {
    return new TradingMode(store, (await store.current()).mode);
  }

  get current(): SystemMode {
    return this.mode;
  }

  /** Re-reads the stored mode (and who set it), and acts on it from now on. */
  async refresh(): Promise<SystemRecord> {
    const stored = await this.store.current();
    this.mode = stored.mode;
    return stored;
  }

  async change(mode: SystemMode, actor: string, reason: string): Promise<void> {
    await this.store.setMode(mode, actor, reason);
    this.mode = mode;
  }
}
