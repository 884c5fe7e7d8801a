import type { Bench } from './figure';
import { killSwitch } from './kill-switch';
import { liveLatency } from './live-latency';
import { server } from './server';
import { simulation } from './simulation';
import { writePath } from './write-path';

/** Every benchmark `npm run bench` runs, in order. */
export const BENCHES: readonly Bench[] = [writePath, simulation, killSwitch, liveLatency, server];
