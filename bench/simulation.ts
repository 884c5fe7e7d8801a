/** A simulated year of one-minute bars through the whole engine (every strategy, the paper broker, PostgreSQL), no UI. */
import { createDb } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { NotificationHub } from '../lib/db/notifications';
import { TRUNCATE_ALL_TABLES } from '../lib/db/reset';
import { createLogger } from '../lib/log';
import { loadEngine } from '../lib/server/load-engine';
import { boundedTime, type Bench } from './figure';

const BARS_PER_DAY = 390;

export const simulation: Bench = {
  name: 'simulation',
  async run({ databaseUrl, quick, say }) {
    const url = databaseUrl('simulation');
    await migrate(url);
    const db = createDb(url);
    await db.$executeRawUnsafe(TRUNCATE_ALL_TABLES);
    const hub = new NotificationHub(url);
    const days = quick ? 21 : 252;
    try {
      const engine = await loadEngine({
        db,
        hub,
        log: createLogger('silent'),
        simulation: { start: Date.parse('2026-01-02T09:30:00-05:00'), seed: 7, scenario: 'calm', speed: 1 },
      });
      const bars = days * BARS_PER_DAY;
      const started = performance.now();
      for (let i = 0; i < bars; i += 1) await engine.playBar(engine.clock.advance());
      await engine.stop();
      const seconds = (performance.now() - started) / 1000;
      const [transitions, orders] = await Promise.all([db.transition.count(), db.paperOrder.count()]);
      say(`${days} sessions = ${bars} bars x ${engine.allRunners().length} strategies in ${seconds.toFixed(2)} s: ${transitions} transitions, ${orders} orders`);
      const year = (seconds * 252) / days;
      return [boundedTime('simulated year (252 sessions, five strategies)', year, 's', 10, null, quick ? `extrapolated from ${days} sessions` : undefined)];
    } finally {
      await hub.close();
      await db.$disconnect();
    }
  },
};
