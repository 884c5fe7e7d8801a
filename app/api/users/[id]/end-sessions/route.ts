import { NextResponse } from 'next/server';
import { operatorActionBody } from '@/lib/api/contract';
import { endUserSessions } from '@/lib/use-cases/manage-users';
import { authorized, otherMethods } from '../../../_lib/authorized';
import { parseBody } from '../../../_lib/http';

export const dynamic = 'force-dynamic';

/** Admins: ends every session of a user: they must sign in again. */
export const POST = authorized<{ id: string }>('admin', async (request, { operator, params }) => {
  const { reason } = await parseBody(request, operatorActionBody);
  return NextResponse.json({ user: await endUserSessions({ by: operator, reason, request }, params.id) });
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
