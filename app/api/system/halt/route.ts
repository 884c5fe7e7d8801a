import { systemCommandRoute } from '../../_lib/operator-command';
import { otherMethods } from '../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: emergency halt of all strategies (no entries; open positions flattened through EMERGENCY_EXIT). */
export const POST = systemCommandRoute('EMERGENCY_HALT');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
