import { z } from 'zod';

/**
 * The VIX levels a strategy may enter at, in the one vocabulary every strategy's settings use: `above` is an
 * exclusive lower bound, `atLeast` an inclusive one (at most one of the two), `atMost` an inclusive upper
 * bound. An absent bound does not limit.
 */
export interface VixRange {
  readonly above?: number;
  readonly atLeast?: number;
  readonly atMost?: number;
}

const hasLowerBound = (range: VixRange): boolean => range.above !== undefined || range.atLeast !== undefined;

function isEmpty({ above, atLeast, atMost }: VixRange): boolean {
  if (atMost === undefined) return false;
  return (above !== undefined && !(above < atMost)) || (atLeast !== undefined && !(atLeast <= atMost));
}

/**
 * The settings field of a VIX range whose bounds default to `defaults`. A bound left out keeps the default's:
 * a lower bound given (`above` or `atLeast`) replaces the default's lower bound, whichever its strictness, and
 * `atMost` replaces the default's upper bound; so `{ atMost: 30 }` narrows the top and keeps the bottom.
 */
export function vixRangeSchema(defaults: VixRange) {
  return z
    .strictObject({
      above: z.number().nonnegative().optional(),
      atLeast: z.number().positive().optional(),
      atMost: z.number().positive().optional(),
    })
    .refine((range) => range.above === undefined || range.atLeast === undefined, 'give at most one lower bound: above or atLeast')
    .transform((given): VixRange => {
      const lower = hasLowerBound(given) ? given : defaults;
      const atMost = given.atMost ?? defaults.atMost;
      return {
        ...(lower.above !== undefined && { above: lower.above }),
        ...(lower.atLeast !== undefined && { atLeast: lower.atLeast }),
        ...(atMost !== undefined && { atMost }),
      };
    })
    .refine((range) => !isEmpty(range), 'the VIX range is empty')
    .prefault({});
}

/** Why `vix` is outside `range`, in words ("VIX 20.5 is not above 22", "VIX 36 is above 35"); null when it is inside. */
export function vixRangeProblem(vix: number, { above, atLeast, atMost }: VixRange): string | null {
  if (Number.isNaN(vix)) return `VIX ${vix} is not a number`;
  if (above !== undefined && !(vix > above)) return `VIX ${vix} is not above ${above}`;
  if (atLeast !== undefined && !(vix >= atLeast)) return `VIX ${vix} is below ${atLeast}`;
  if (atMost !== undefined && !(vix <= atMost)) return `VIX ${vix} is above ${atMost}`;
  return null;
}

/** Whether `vix` lies in `range`: above `above`, at least `atLeast`, at most `atMost`; NaN never does. */
export function isVixInRange(vix: number, range: VixRange): boolean {
  return vixRangeProblem(vix, range) === null;
}
