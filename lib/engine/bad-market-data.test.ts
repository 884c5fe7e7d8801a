import { describe, expect, it } from 'vitest';
import { BAD_BAR_KINDS, fuzzBadMarketData } from './testing/bad-market-data-fuzz';

describe('bad market data through the engine', () => {
  it('produces no order from any kind of bad bar, nor from a halt given while the data is bad, while sane bars still trade', async () => {
    const figures = await fuzzBadMarketData({ badBars: 3_000, seed: 7 });
    expect(figures.badBars).toBe(3_000);
    for (const kind of BAD_BAR_KINDS) expect(figures.badBarsByKind[kind], kind).toBeGreaterThan(100);
    // The fuzz reached the states where a wrong bar could do harm, and halted in the middle of bad data.
    expect(figures.burstsWhileHolding).toBeGreaterThan(50);
    // Suspect data moved the system to REDUCING and good data back, episode by episode.
    expect(figures.modeChanges['REDUCING (market-data)']).toBeGreaterThan(100);
    expect(figures.modeChanges['RUNNING (market-data)']).toBeGreaterThan(100);
    expect(figures.haltsDuringBadData).toBeGreaterThan(3);
    expect(figures.ordersFromGoodBars).toBeGreaterThan(10);
    expect(figures.ordersFromBadBars).toBe(0);
  }, 60_000);
});
