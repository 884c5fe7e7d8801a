import { strategyCommandRoute } from '../../../_lib/operator-command';

export const dynamic = 'force-dynamic';

/** Operator: send one strategy to DEFENSIVE_EXIT, with a reason. */
export const POST = strategyCommandRoute('DEFENSIVE_EXIT');
