import { strategyCommandRoute } from '../../../_lib/operator-command';
import { otherMethods } from '../../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: clear a strategy's ERROR (its circuit breaker); RECOVERY then settles where it stands. */
export const POST = strategyCommandRoute('RECOVER');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
