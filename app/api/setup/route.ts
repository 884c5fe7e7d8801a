import { NextResponse } from 'next/server';
import { setupBody } from '@/lib/api/contract';
import { setUpFirstAdmin } from '@/lib/use-cases/manage-users';
import { otherMethods, publicRoute } from '../_lib/authorized';
import { parseBody } from '../_lib/http';

export const dynamic = 'force-dynamic';

/** First start only, no session needed: creates the first admin; once any user exists, 409. */
export const POST = publicRoute(async (request) => {
  const { name, email, password } = await parseBody(request, setupBody);
  const { id } = await setUpFirstAdmin(request, { name, email, password });
  return NextResponse.json({ user: { id, email } }, { status: 201 });
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
