import { RiskLimitsSettings } from '@/components/risk-limits-settings';

export const dynamic = 'force-dynamic';

/** The risk limits: everyone signed in sees them; the API decides who may tighten and who may raise them. */
export default function RiskLimitsPage() {
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-50">Risk limits</h1>
      <RiskLimitsSettings />
    </>
  );
}
