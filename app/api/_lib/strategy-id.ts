import { z } from 'zod';
import { AppError } from '@/lib/errors';

const strategyIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a strategy id is lowercase letters, digits and dashes');

export function strategyIdFrom(params: { id: string }): string {
  const parsed = strategyIdSchema.safeParse(params.id);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', parsed.error.issues[0]?.message ?? 'bad strategy id');
  return parsed.data;
}
