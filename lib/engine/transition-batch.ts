import { transitionRefused } from '../errors';
import type { StrategyStore, TransitionWrite } from './ports';

interface Waiting {
  readonly write: TransitionWrite;
  readonly resolve: (seq: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A group commit for one event sent to many strategies at once (an emergency halt): each runner computes its own
 * transition in its own turn and hands the write here as it would to the store; the writes handed in during one
 * turn of the event loop go to the database together, in one statement, so a hundred strategies cost one round
 * trip and one commit instead of a hundred. A runner busy when a batch left joins the next one.
 */
export class TransitionBatch implements Pick<StrategyStore, 'recordTransition'> {
  private waiting: Waiting[] = [];

  constructor(private readonly store: Pick<StrategyStore, 'recordTransitions'>) {}

  /** Resolves with the new version once the batch holding `write` is stored; rejects as `StrategyStore.recordTransition`. */
  recordTransition(write: TransitionWrite): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ write, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      const results = await this.store.recordTransitions(batch.map(({ write }) => write));
      batch.forEach(({ write, resolve, reject }, index) => {
        const result = results[index];
        if (result && 'seq' in result) resolve(result.seq);
        else reject(transitionRefused(write, result?.refused ?? 'STALE_VERSION'));
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}
