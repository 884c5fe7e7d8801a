import { systemCommandRoute } from '../../_lib/operator-command';
import { otherMethods } from '../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: leave HALTED and allow entries again. */
export const POST = systemCommandRoute('RESUME');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
