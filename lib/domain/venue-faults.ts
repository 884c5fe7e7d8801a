import { z } from 'zod';

/** The paper broker's injectable faults, one validator per fault; no defaults, so a change names only what it changes. */
const faultFields = {
  /** How many of the next new orders to reject; each rejection counts one down. */
  rejectNext: z.int().min(0).max(100),
  rejectReason: z.string().trim().min(1).max(200),
  /** Market bars (minutes) an accepted order stays WORKING before it fills. */
  latencyBars: z.int().min(0).max(30),
  /** Accept orders but never fill them until cancelled; placing answers with a BrokerTimeoutError. */
  timeout: z.boolean(),
  /** Every broker call throws BrokerConnectionError and changes nothing. */
  dropConnection: z.boolean(),
  /** The engine marks bars stale while this is on; the broker refuses to fill on a stale bar. */
  staleQuotes: z.boolean(),
  /** Combos fill one leg per bar instead of all at once. */
  legged: z.boolean(),
};

export const brokerFaultsSchema = z.object({
  rejectNext: faultFields.rejectNext.default(0),
  rejectReason: faultFields.rejectReason.default('rejected by venue (injected)'),
  latencyBars: faultFields.latencyBars.default(0),
  timeout: faultFields.timeout.default(false),
  dropConnection: faultFields.dropConnection.default(false),
  staleQuotes: faultFields.staleQuotes.default(false),
  legged: faultFields.legged.default(false),
});
export type BrokerFaults = z.infer<typeof brokerFaultsSchema>;

/**
 * A change to some faults, unknown keys refused. Not `brokerFaultsSchema.partial()`: zod 4 still applies the
 * defaults inside it, so every fault left out would be reset.
 */
export const brokerFaultsChangeSchema = z.strictObject(faultFields).partial();
export type BrokerFaultsChange = z.infer<typeof brokerFaultsChangeSchema>;

export const NO_FAULTS: BrokerFaults = brokerFaultsSchema.parse({});
