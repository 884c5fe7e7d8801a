import { reauthenticateBody } from '@/lib/api/contract';
import { reauthenticate } from '@/lib/use-cases/fresh-authentication';
import { authorized, otherMethods } from '../../_lib/authorized';
import { parseBody } from '../../_lib/http';
import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

/** Any signed-in user: prove who you are again (password or TOTP) before a sensitive action. */
export const POST = authorized('viewer', async (request, { operator }) => {
  const proof = await parseBody(request, reauthenticateBody);
  const { authenticatedAt } = await reauthenticate(request, operator, proof);
  return NextResponse.json({ authenticatedAt: authenticatedAt.toISOString() });
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
