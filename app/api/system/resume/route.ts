import { NextResponse } from 'next/server';
import { operatorActionBody } from '@/lib/api/contract';
import { requestResume } from '@/lib/use-cases/resume-trading';
import { authorized, otherMethods } from '../../_lib/authorized';
import { idempotencyKeyOf, parseBody } from '../../_lib/http';

export const dynamic = 'force-dynamic';

/**
 * Operator: ask to leave HALTED. Nothing resumes yet: the request waits for a different operator's approval
 * (POST /api/system/resume/{id}/approve) and expires after RESUME_APPROVAL_MINUTES. 202 with the request.
 */
export const POST = authorized('operator', async (request, { operator }) => {
  const idempotencyKey = idempotencyKeyOf(request);
  const { reason } = await parseBody(request, operatorActionBody);
  return NextResponse.json({ resumeRequest: await requestResume({ operator, reason, idempotencyKey }) }, { status: 202 });
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
