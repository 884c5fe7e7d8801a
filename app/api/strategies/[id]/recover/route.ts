import { strategyCommandRoute } from '../../../_lib/operator-command';

export const dynamic = 'force-dynamic';

/** Operator: clear a strategy's ERROR (its circuit breaker); RECOVERY then settles where it stands. */
export const POST = strategyCommandRoute('RECOVER');
