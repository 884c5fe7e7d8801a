import { systemCommandRoute } from '../../_lib/operator-command';
import { otherMethods } from '../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: EMERGENCY for all strategies (no entries; every position flattened through EMERGENCY_EXIT, then HALTED). */
export const POST = systemCommandRoute('EMERGENCY_HALT');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
