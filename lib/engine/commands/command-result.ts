export interface CommandResult {
  /** Done; rejected by the rules (the machine's reason); or failed: it could not be carried out here (repeat it). */
  readonly status: 'done' | 'rejected' | 'failed';
  /** What happened, in words for the operator and the audit trail. */
  readonly outcome: string;
  /** Why it was rejected, when a client acts on it: PREVIEW_CHANGED, what it would send is not what the operator was shown. */
  readonly code?: 'PREVIEW_CHANGED';
}
