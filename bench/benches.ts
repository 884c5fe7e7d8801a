import type { Bench } from './figure';
import { simulation } from './simulation';

/** Every benchmark `npm run bench` runs, in order. */
export const BENCHES: readonly Bench[] = [simulation];
