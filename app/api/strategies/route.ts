import { NextResponse } from 'next/server';
import { readOverview } from '@/lib/use-cases/read-overview';
import { respond } from '../_lib/http';

export const dynamic = 'force-dynamic';

export function GET(): Promise<NextResponse> {
  return respond(async () => NextResponse.json(await readOverview()));
}
