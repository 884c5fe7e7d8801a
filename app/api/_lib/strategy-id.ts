import { z } from 'zod';
import { AppError } from '@/lib/errors';

const strategyIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a strategy id is lowercase letters, digits and dashes');

export async function strategyIdFrom(params: Promise<{ id: string }>): Promise<string> {
  const parsed = strategyIdSchema.safeParse((await params).id);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', parsed.error.issues[0]?.message ?? 'bad strategy id');
  return parsed.data;
}
