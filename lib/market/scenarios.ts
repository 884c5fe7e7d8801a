/** The market scenarios a simulation can be started in; a tuple, so `z.enum(SCENARIO_NAMES)` parses one. */
export const SCENARIO_NAMES = ['calm', 'trending-up', 'trending-down', 'crash', 'gap-open'] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/**
 * A scripted sell-off: during `session`, from `startMinute` (minutes after New York midnight) for
 * `durationMinutes`, SPY drifts by `spyMove` in all and VIX is lifted to at least `vixPeak` by the end.
 * Over the next `recoverySessions` sessions SPY drifts back by `recoveryFraction` of the fall.
 */
export interface CrashEvent {
  readonly kind: 'crash';
  readonly session: number;
  readonly startMinute: number;
  readonly durationMinutes: number;
  /** Fractional move, e.g. −0.08. */
  readonly spyMove: number;
  readonly vixPeak: number;
  readonly recoverySessions: number;
  readonly recoveryFraction: number;
}

/**
 * `session` opens `spyGap` (e.g. −0.03) from the previous close instead of a random gap, with VIX
 * `vixJump` points higher.
 */
export interface GapEvent {
  readonly kind: 'gap';
  readonly session: number;
  readonly spyGap: number;
  readonly vixJump: number;
}

export type ScenarioEvent = CrashEvent | GapEvent;

export interface ScenarioParams {
  readonly label: string;
  readonly description: string;
  /** Annual drift of SPY in trading time (0.4 is about +40% a year; QQQ and IWM take it times their beta). */
  readonly spyDrift: number;
  /** VIX starts here unless told otherwise, and reverts towards its starting level. */
  readonly vixMean: number;
  /** Annual volatility of log VIX. */
  readonly volOfVol: number;
  /** Sessions are counted from 1, the first session the simulation plays. */
  readonly events: readonly ScenarioEvent[];
}

export const SCENARIOS: Readonly<Record<ScenarioName, ScenarioParams>> = {
  calm: {
    label: 'Calm',
    description: 'No drift, VIX around 24: a range-bound market where premium sellers do well.',
    spyDrift: 0,
    // Above 22 on purpose: the 0DTE demo needs its VIX entry filter to pass on a calm Friday.
    vixMean: 24,
    volOfVol: 0.9,
    events: [],
  },
  'trending-up': {
    label: 'Trending up',
    description: 'SPY drifts up about 40% a year with VIX low around 16.',
    spyDrift: 0.4,
    vixMean: 16,
    volOfVol: 0.8,
    events: [],
  },
  'trending-down': {
    label: 'Trending down',
    description: 'SPY drifts down about 40% a year with VIX elevated around 26.',
    spyDrift: -0.4,
    vixMean: 26,
    volOfVol: 1,
    events: [],
  },
  crash: {
    label: 'Crash',
    description:
      'Third session, 11:00: SPY falls about 8% in an hour, VIX jumps above 45; half the fall recovers in five sessions.',
    spyDrift: 0,
    vixMean: 20,
    volOfVol: 1.1,
    events: [
      {
        kind: 'crash',
        session: 3,
        startMinute: 11 * 60,
        durationMinutes: 60,
        spyMove: -0.08,
        vixPeak: 48,
        recoverySessions: 5,
        recoveryFraction: 0.5,
      },
    ],
  },
  'gap-open': {
    label: 'Gap open',
    description: 'The second session opens 3% lower with VIX 6 points higher.',
    spyDrift: 0,
    vixMean: 22,
    volOfVol: 1,
    events: [{ kind: 'gap', session: 2, spyGap: -0.03, vixJump: 6 }],
  },
};

/** True for one of {@link SCENARIO_NAMES}: for names read from settings or a request. */
export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}
