/** The seed's numbers for every strategy: how many errors, attempts and minutes the lifecycle allows. */
import { MINUTE_MS } from '../../market/time';

/** The third error in a cycle opens the circuit breaker: ERROR until an operator clears it. */
export const MAX_ERRORS = 3;
/** Entries tried in one cycle before the strategy waits for the next. */
export const MAX_ENTRY_ATTEMPTS = 3;
/** STATE_TIMEOUT: an order not done within this much market time is stuck. */
export const ORDER_TIMEOUT_MS = 5 * MINUTE_MS;
/** RECOVERY gives up (ERROR) after this much market time. */
export const RECOVERY_TIMEOUT_MS = 30 * MINUTE_MS;
/** A proposal older than this when validated is stale and discarded. */
export const MAX_PROPOSAL_AGE_MS = 2 * MINUTE_MS;
/** Recovery's looks at the broker back off 2, 4, 8, 16 minutes, then stay at this. */
export const MAX_BACKOFF_MINUTES = 16;
