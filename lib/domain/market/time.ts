/** Lengths of time in epoch milliseconds: the one place the domain, the simulator and the pages take them from. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
