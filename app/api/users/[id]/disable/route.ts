import { NextResponse } from 'next/server';
import { operatorActionBody } from '@/lib/api/contract';
import { disableUser } from '@/lib/use-cases/manage-users';
import { authorized, otherMethods } from '../../../_lib/authorized';
import { parseBody } from '../../../_lib/http';

export const dynamic = 'force-dynamic';

/** Admins: disables a user (no sign-in, sessions end); not oneself, not the last admin (409). */
export const POST = authorized<{ id: string }>('admin', async (request, { operator, params }) => {
  const { reason } = await parseBody(request, operatorActionBody);
  return NextResponse.json({ user: await disableUser({ by: operator, reason, request }, params.id) });
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
