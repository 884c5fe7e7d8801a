export interface CommandResult {
  readonly status: 'done' | 'rejected';
  /** What happened, in words for the operator and the audit trail. */
  readonly outcome: string;
}
