/**
 * `npm run fuzz:market-data [-- --bad-bars 100000 --seed 1]`: bad market data of every kind through the engine's
 * real bar path (in-memory stores and broker), with halts in the middle of it. Prints the figures; exits 1 if
 * a single order came from a bad bar.
 */
import { parseArgs } from 'node:util';
import { fuzzBadMarketData } from '../lib/engine/testing/bad-market-data-fuzz';

const { values } = parseArgs({ options: { 'bad-bars': { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' } } });
const started = performance.now();
const figures = await fuzzBadMarketData({ badBars: Number(values['bad-bars']), seed: Number(values.seed) });
console.log(JSON.stringify({ ...figures, seconds: Math.round((performance.now() - started) / 100) / 10 }, null, 2));
console.log(`orders from ${figures.badBars} bad bars: ${figures.ordersFromBadBars} (orders from ${figures.goodBars} good bars: ${figures.ordersFromGoodBars})`);
if (figures.ordersFromBadBars > 0) process.exitCode = 1;
