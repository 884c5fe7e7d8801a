import { strategyCommandRoute } from '../../../_lib/operator-command';
import { otherMethods } from '../../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: let a paused strategy enter again, with a reason. */
export const POST = strategyCommandRoute('RESUME_STRATEGY');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
