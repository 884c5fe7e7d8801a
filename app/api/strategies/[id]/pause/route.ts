import { strategyCommandRoute } from '../../../_lib/operator-command';
import { otherMethods } from '../../../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Operator: pause one strategy (no new entries; its management and exits go on). One click, any time. */
export const POST = strategyCommandRoute('PAUSE_STRATEGY');
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
