import { systemCommandRoute } from '../../_lib/operator-command';

export const dynamic = 'force-dynamic';

/** Operator: emergency halt of all strategies (no entries; open positions flattened through EMERGENCY_EXIT). */
export const POST = systemCommandRoute('EMERGENCY_HALT');
