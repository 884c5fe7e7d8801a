import type { NextResponse } from 'next/server';
import { respond } from '../../_lib/http';
import { runOperatorCommand } from '../../_lib/operator-command';

export const dynamic = 'force-dynamic';

/** Operator: leave HALTED and allow entries again. */
export function POST(request: Request): Promise<NextResponse> {
  return respond(() => runOperatorCommand(request, 'RESUME', null));
}
