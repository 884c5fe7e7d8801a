import type { Overview } from '../api/contract';
import { worldOf } from '../domain/coordinator';
import { accountOf } from '../domain/risk/account';
import { serverContext, type ServerContext } from '../server/context';
import { latestBar, marketView, summarize, systemView } from './dashboard-views';
import { riskView } from './read-risk';

/** Every strategy with its state, position, P&L and entry permit, the system mode and the market: what the overview shows. */
export async function readOverview({ repositories, env }: Pick<ServerContext, 'repositories' | 'env'> = serverContext()): Promise<Overview> {
  const [records, system, pendingResume, bar, ledger, limits, lossDay, unconfirmedCancels] = await Promise.all([
    repositories.strategies.list(),
    repositories.system.current(),
    repositories.resumes.open(),
    latestBar(repositories),
    repositories.paperVenue.ledger(env.PAPER_STARTING_BALANCE),
    repositories.riskLimits.current(),
    repositories.system.lossDay(),
    repositories.cancels.countUnconfirmed(),
  ]);
  const world = worldOf(system.mode, records);
  return {
    risk: bar ? riskView(records, bar, accountOf(ledger, bar), limits, lossDay) : null,
    demoControls: env.DEMO_CONTROLS,
    system: systemView(system, pendingResume, unconfirmedCancels),
    market: bar ? marketView(bar) : null,
    strategies: records.map((record) => summarize(record, world, bar)),
  };
}
