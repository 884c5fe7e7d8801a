import { NextResponse } from 'next/server';
import { changeRoleBody } from '@/lib/api/contract';
import { changeUserRole } from '@/lib/use-cases/manage-users';
import { authorized, otherMethods } from '../../../_lib/authorized';
import { parseBody } from '../../../_lib/http';

export const dynamic = 'force-dynamic';

/** Admins, freshly authenticated: changes a user's role; their sessions end. The last admin stays admin (409). */
export const POST = authorized<{ id: string }>('admin', async (request, { operator, params }) => {
  const { role, reason } = await parseBody(request, changeRoleBody);
  return NextResponse.json({ user: await changeUserRole({ by: operator, reason, request }, params.id, role) });
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
