import { z } from 'zod';

/** A strategy's id as stored and as it appears in URLs: lowercase letters, digits and dashes, up to 64. */
export const strategyIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a strategy id is lowercase letters, digits and dashes');
