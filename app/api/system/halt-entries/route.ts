import { systemCommandRoute } from '../../_lib/operator-command';
import { otherMethods } from '../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: HALTED, no entries for any strategy; held positions stay with their rules (nothing is flattened). */
export const POST = systemCommandRoute('HALT_ENTRIES');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
