import { NextResponse } from 'next/server';
import { otherMethods } from '../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Public: the server is up (for load balancers; says nothing about trading). */
export function GET(): NextResponse {
  return NextResponse.json({ ok: true });
}
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
