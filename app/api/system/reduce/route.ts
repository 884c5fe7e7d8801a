import { systemCommandRoute } from '../../_lib/operator-command';
import { otherMethods } from '../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: REDUCING, only orders that shrink risk (no entries, no roll that opens a leg); exits go on. */
export const POST = systemCommandRoute('REDUCE_RISK');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
