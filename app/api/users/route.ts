import { NextResponse } from 'next/server';
import { addUserBody } from '@/lib/api/contract';
import { addUserAsAdmin, listUsers } from '@/lib/use-cases/manage-users';
import { authorized, otherMethods } from '../_lib/authorized';
import { parseBody } from '../_lib/http';

export const dynamic = 'force-dynamic';

/** Admins: every user, with role, two-factor, disabled and live sessions. */
export const GET = authorized('admin', async () => NextResponse.json({ users: await listUsers() }));

/** Admins, freshly authenticated: adds a user with an initial password. */
export const POST = authorized('admin', async (request, { operator }) => {
  const { reason, ...user } = await parseBody(request, addUserBody);
  const { id } = await addUserAsAdmin({ by: operator, reason, request }, user);
  return NextResponse.json({ user: { id, email: user.email } }, { status: 201 });
});
export const { PUT, PATCH, DELETE } = otherMethods('GET', 'POST');
