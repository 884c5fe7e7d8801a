import type { NextResponse } from 'next/server';
import { respond } from '../../_lib/http';
import { runOperatorCommand } from '../../_lib/operator-command';

export const dynamic = 'force-dynamic';

/** Operator: emergency halt of all strategies (no entries; open positions exit defensively). */
export function POST(request: Request): Promise<NextResponse> {
  return respond(() => runOperatorCommand(request, 'EMERGENCY_HALT', null));
}
