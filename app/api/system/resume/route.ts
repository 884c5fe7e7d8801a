import { systemCommandRoute } from '../../_lib/operator-command';

export const dynamic = 'force-dynamic';

/** Operator: leave HALTED and allow entries again. */
export const POST = systemCommandRoute('RESUME');
