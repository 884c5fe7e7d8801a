import { NextResponse } from 'next/server';
import { riskLimitsChangeBody, type RiskLimitsResponse } from '@/lib/api/contract';
import { changeRiskLimits } from '@/lib/use-cases/change-risk-limits';
import { readRiskLimits } from '@/lib/use-cases/read-risk-limits';
import { authorized, otherMethods } from '../../_lib/authorized';
import { idempotencyKeyOf, parseBody } from '../../_lib/http';

export const dynamic = 'force-dynamic';

/** Viewer: the risk limits in force, who last changed them, when and why, and the strategies an allocation may name. */
export const GET = authorized('viewer', async () => NextResponse.json((await readRiskLimits()) satisfies RiskLimitsResponse));

/**
 * Operator: sets every limit, with a reason, from the version they were edited from (409 if changed since).
 * Tightening is one step; raising any limit needs an admin with a fresh authentication (403 otherwise).
 */
export const PUT = authorized('operator', async (request, { operator }) => {
  const idempotencyKey = idempotencyKeyOf(request);
  const { limits, reason, version } = await parseBody(request, riskLimitsChangeBody);
  const changed = await changeRiskLimits({ by: operator, limits, reason, version, idempotencyKey, request });
  return NextResponse.json(changed satisfies RiskLimitsResponse);
});
export const { POST, PATCH, DELETE } = otherMethods('GET', 'PUT');
