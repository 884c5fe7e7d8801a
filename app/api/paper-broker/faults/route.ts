import { NextResponse } from 'next/server';
import type { BrokerFaultsResponse } from '@/lib/api/contract';
import { brokerFaultsChangeSchema } from '@/lib/broker/faults';
import { PaperBrokerSettingsRepository } from '@/lib/broker/paper-broker-settings';
import { serverContext } from '@/lib/server-context';
import { errorResponse, parseBody, respond } from '../../_lib/http';

export const dynamic = 'force-dynamic';

/** Demo only: with DEMO_CONTROLS=false the route does not exist. */
const areDemoControlsEnabled = (): boolean => serverContext().env.DEMO_CONTROLS;
const notFound = () => errorResponse('NOT_FOUND', 'demo controls are disabled on this server', 404);

/** The paper broker's injected faults as they now stand. */
export function GET(): Promise<NextResponse> {
  return respond(async () => {
    if (!areDemoControlsEnabled()) return notFound();
    const faults = await new PaperBrokerSettingsRepository(serverContext().db).getFaults();
    return NextResponse.json({ faults } satisfies BrokerFaultsResponse);
  });
}

/** Changes the faults named in the body (the others stay as they are); answers with all of them. */
export function PUT(request: Request): Promise<NextResponse> {
  return respond(async () => {
    if (!areDemoControlsEnabled()) return notFound();
    const change = await parseBody(request, brokerFaultsChangeSchema);
    const faults = await new PaperBrokerSettingsRepository(serverContext().db).setFaults(change);
    return NextResponse.json({ faults } satisfies BrokerFaultsResponse);
  });
}
