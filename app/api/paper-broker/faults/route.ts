import { NextResponse } from 'next/server';
import { brokerFaultsChangeBody, type BrokerFaultsResponse } from '@/lib/api/contract';
import { changeBrokerFaults } from '@/lib/use-cases/change-broker-faults';
import { readBrokerFaults } from '@/lib/use-cases/read-broker-faults';
import { parseBody } from '../../_lib/http';
import { authorized, otherMethods } from '../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Viewer, demo only (404 with DEMO_CONTROLS=false): the paper broker's injected faults as they now stand. */
export const GET = authorized('viewer', async () => NextResponse.json({ faults: await readBrokerFaults() } satisfies BrokerFaultsResponse));

/** Operator, demo only: changes the faults named in the body (the others stay as they are); answers with all of them. */
export const PUT = authorized('operator', async (request) => {
  const change = await parseBody(request, brokerFaultsChangeBody);
  return NextResponse.json({ faults: await changeBrokerFaults(change) } satisfies BrokerFaultsResponse);
});
export const { POST, PATCH, DELETE } = otherMethods('GET', 'PUT');
