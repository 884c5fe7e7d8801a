import { TRANSITION_HISTORY_LIMIT, type StrategyChange, type StrategyDetail, type StrategyUpdate } from '@/lib/api/contract';

/** The newest transition a page holds, which its next update starts after (0 before any). */
export const newestSeq = (held: StrategyDetail): number => held.transitions[0]?.seq ?? 0;

/**
 * The held detail with `update` (read after `newestSeq(held)`) applied: the new transitions before the held ones,
 * at most TRANSITION_HISTORY_LIMIT, everything else as the update says, the graph as held. Null when the two do not
 * join up, and the whole detail must be read again: the newest transition must be the strategy's version (each
 * transition's seq is the version it made), which fails when the reads crossed a commit or the history was reset.
 */
export function applyStrategyUpdate(held: StrategyDetail, update: StrategyUpdate): StrategyDetail | null {
  const transitions = [...update.transitions, ...held.transitions].slice(0, TRANSITION_HISTORY_LIMIT);
  const newest = transitions[0];
  if (newest && newest.seq !== update.strategy.version) return null;
  return { ...update, graph: held.graph, transitions };
}

/**
 * The held detail with a live `change` (a transition's event) applied: its transitions newer than the held ones before
 * them and the strategy as the change says. `held` itself when the change brings nothing newer (the page read it
 * already). Null when they do not join up, and the page must re-read: a transition between the held ones and the
 * change's is missing, or the change's newest transition is not the strategy's version.
 */
export function applyStrategyChange(held: StrategyDetail, change: StrategyChange): StrategyDetail | null {
  const { version } = change.strategy;
  if (version <= held.strategy.version) return held;
  const heldSeq = newestSeq(held);
  const newer = change.transitions.filter((row) => row.seq > heldSeq);
  const joinsUp = newer.every((row, index) => row.seq === version - index) && newer.at(-1)?.seq === heldSeq + 1;
  if (!joinsUp) return null;
  return { ...held, strategy: change.strategy, transitions: [...newer, ...held.transitions].slice(0, TRANSITION_HISTORY_LIMIT) };
}
