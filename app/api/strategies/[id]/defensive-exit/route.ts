import { strategyCommandRoute } from '../../../_lib/operator-command';
import { otherMethods } from '../../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: send one strategy to DEFENSIVE_EXIT, with a reason. */
export const POST = strategyCommandRoute('DEFENSIVE_EXIT');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
