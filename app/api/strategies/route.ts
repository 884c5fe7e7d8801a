import { NextResponse } from 'next/server';
import { DashboardReader } from '@/lib/read/dashboard';
import { serverContext } from '@/lib/server-context';
import { respond } from '../_lib/http';

export const dynamic = 'force-dynamic';

export function GET(): Promise<NextResponse> {
  return respond(async () => NextResponse.json(await new DashboardReader(serverContext().db).overview()));
}
