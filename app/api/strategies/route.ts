import { NextResponse } from 'next/server';
import { DashboardReader } from '@/lib/read/dashboard';
import { serverContext } from '@/lib/server-context';
import { respond } from '../_lib/http';

export const dynamic = 'force-dynamic';

export function GET(): Promise<NextResponse> {
  return respond(async () => {
    const { db, env } = serverContext();
    return NextResponse.json(await new DashboardReader(db).overview({ demoControls: env.DEMO_CONTROLS }));
  });
}
