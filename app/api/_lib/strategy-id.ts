import { strategyIdSchema } from '@/lib/api/contract';
import { AppError } from '@/lib/errors';

export function strategyIdFrom(params: { id: string }): string {
  const parsed = strategyIdSchema.safeParse(params.id);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', parsed.error.issues[0]?.message ?? 'bad strategy id');
  return parsed.data;
}
