import { isFlat } from '../domain/strategies/position';
import { objectStoreRecord, type ObjectStoreRecord } from '../domain/strategies/object-store-record';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';
import { latestBar } from './dashboard-views';

const isDefensive = (state: string | null) => state?.startsWith('DEFENSIVE') === true;

/** A strategy's record in the seed's ObjectStore shape, as of the market clock. */
export async function readStrategyRecord(id: string, { repositories }: Pick<ServerContext, 'repositories'> = serverContext()): Promise<ObjectStoreRecord> {
  const record = await repositories.strategies.find(id);
  if (!record) throw new AppError('NOT_FOUND', `no strategy ${id}`);
  const [history, bar] = await Promise.all([repositories.strategies.transitions(id), latestBar(repositories)]);
  const { position } = record.snapshot.context;
  // This cycle went defensive if it is now, or was since the position opened.
  const openedAt = isFlat(position) ? Number.POSITIVE_INFINITY : position!.openedAt;
  const defensiveTriggered = isDefensive(record.state) || history.some((row) => isDefensive(row.toState) && row.marketTime.getTime() >= openedAt);
  return objectStoreRecord({ name: record.name, state: record.state, position, marketTime: bar?.time ?? Date.now(), defensiveTriggered });
}
