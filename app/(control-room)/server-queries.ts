import type { z } from 'zod';
import {
  alertsResponseSchema,
  auditChoicesSchema,
  auditPageSchema,
  auditQuerySchema,
  brokerFaultsResponseSchema,
  overviewSchema,
  recentCommandsSchema,
  riskLimitsResponseSchema,
  strategyDetailSchema,
  usersResponseSchema,
} from '@/lib/api/contract';
import {
  alertQueries,
  auditQueries,
  brokerFaultQueries,
  commandQueries,
  riskLimitQueries,
  strategyQueries,
  userQueries,
  type AuditFilters,
} from '@/lib/client/queries';
import type { Operator } from '@/lib/use-cases/authorize-request';
import { readAlerts } from '@/lib/use-cases/read-alerts';
import { readAuditChoices, readAuditPage } from '@/lib/use-cases/read-audit';
import { readBrokerFaults } from '@/lib/use-cases/read-broker-faults';
import { readOverview } from '@/lib/use-cases/read-overview';
import { readRecentCommands } from '@/lib/use-cases/read-recent-commands';
import { readRiskLimits } from '@/lib/use-cases/read-risk-limits';
import { readStrategyDetail } from '@/lib/use-cases/read-strategy-detail';
import { listUsers } from '@/lib/use-cases/manage-users';

/**
 * What the API would have sent: the use case's answer through JSON and the contract's schema, as the browser's
 * fetcher reads it, so the cache holds the same data whichever side filled it.
 */
async function served<S extends z.ZodType>(schema: S, answer: Promise<unknown>): Promise<z.output<S>> {
  return schema.parse(JSON.parse(JSON.stringify(await answer)));
}

/**
 * The browser's query factories (lib/client/queries.ts), answered on the server by the use cases their API
 * routes call: same keys, same data, no HTTP round trip to ourselves. Only for an operator the route would let
 * read them (see `Prefetch`).
 */
export const serverQueries = {
  overview: () => ({ ...strategyQueries.overview(), queryFn: () => served(overviewSchema, readOverview()) }),
  strategy: (id: string) => ({ ...strategyQueries.detail(id), queryFn: () => served(strategyDetailSchema, readStrategyDetail(id)) }),
  recentCommands: () => ({
    ...commandQueries.recent(),
    queryFn: async () => (await served(recentCommandsSchema, readRecentCommands().then((commands) => ({ commands })))).commands,
  }),
  brokerFaults: () => ({
    ...brokerFaultQueries.current(),
    queryFn: async () => (await served(brokerFaultsResponseSchema, readBrokerFaults().then((faults) => ({ faults })))).faults,
  }),
  riskLimits: () => ({ ...riskLimitQueries.current(), queryFn: () => served(riskLimitsResponseSchema, readRiskLimits()) }),
  alerts: (operator: Operator) => ({ ...alertQueries.settings(), queryFn: () => served(alertsResponseSchema, readAlerts(operator)) }),
  users: () => ({ ...userQueries.list(), queryFn: async () => (await served(usersResponseSchema, listUsers().then((users) => ({ users })))).users }),
  auditPage: (filters: AuditFilters) => ({
    ...auditQueries.page(filters),
    queryFn: ({ pageParam }: { pageParam: string | null }) =>
      served(auditPageSchema, readAuditPage(auditQuerySchema.parse({ ...filters, ...(pageParam ? { cursor: pageParam } : {}) }))),
  }),
  auditChoices: () => ({ ...auditQueries.choices(), queryFn: () => served(auditChoicesSchema, readAuditChoices()) }),
};
