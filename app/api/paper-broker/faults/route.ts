import { NextResponse } from 'next/server';
import { brokerFaultsChangeBody, type BrokerFaultsResponse } from '@/lib/api/contract';
import { changeBrokerFaults } from '@/lib/use-cases/change-broker-faults';
import { readBrokerFaults } from '@/lib/use-cases/read-broker-faults';
import { parseBody, respond } from '../../_lib/http';

export const dynamic = 'force-dynamic';

/** Demo only (404 with DEMO_CONTROLS=false): the paper broker's injected faults as they now stand. */
export function GET(): Promise<NextResponse> {
  return respond(async () => NextResponse.json({ faults: await readBrokerFaults() } satisfies BrokerFaultsResponse));
}

/** Changes the faults named in the body (the others stay as they are); answers with all of them. */
export function PUT(request: Request): Promise<NextResponse> {
  return respond(async () => {
    const change = await parseBody(request, brokerFaultsChangeBody);
    return NextResponse.json({ faults: await changeBrokerFaults(change) } satisfies BrokerFaultsResponse);
  });
}
