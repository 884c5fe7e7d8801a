import { NextResponse } from 'next/server';
import { alertWebhookBody } from '@/lib/api/contract';
import { addAlertWebhook } from '@/lib/use-cases/manage-alert-webhooks';
import { authorized, otherMethods } from '../../_lib/authorized';
import { parseBody } from '../../_lib/http';

export const dynamic = 'force-dynamic';

/** Admins: adds a webhook (name, http(s) URL, format, the events it wants, enabled). */
export const POST = authorized('admin', async (request, { operator }) => {
  const settings = await parseBody(request, alertWebhookBody);
  return NextResponse.json({ webhook: await addAlertWebhook({ by: operator, request }, settings) }, { status: 201 });
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
