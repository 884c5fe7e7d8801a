import { RiskLimitsSettings } from '@/components/risk-limits-settings';
import { Prefetch } from '../../prefetch';
import { serverQueries } from '../../server-queries';

export const dynamic = 'force-dynamic';

/** The risk limits: everyone signed in sees them; the API decides who may tighten and who may raise them. */
export default function RiskLimitsPage() {
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-50">Risk limits</h1>
      <Prefetch needed="viewer" path="/settings/risk" load={(client) => client.prefetchQuery(serverQueries.riskLimits())}>
        <RiskLimitsSettings />
      </Prefetch>
    </>
  );
}
