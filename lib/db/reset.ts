/**
 * Empties every table, for test and benchmark databases only (TRUNCATE does not fire the append-only
 * row triggers, and empties the audit chains with the rows they cover). One list, so a new table cannot be forgotten by one of the suites.
 */
export const TRUNCATE_ALL_TABLES =
  'TRUNCATE strategy, transition, event_refusal, strategy_error, risk_gate_decision, system_state, system_mode_change, market_clock, operator_command, order_cancel, ' +
  'paper_order, paper_fill, paper_position, paper_broker_settings, paper_account, risk_limits, ' +
  'resume_request, resume_approval, lease, lease_grant, alert_webhook, alert_delivery, change_log, audit_event, audit_chain_head, access_event, auth_user, auth_session, auth_account, auth_verification, auth_two_factor, auth_rate_limit RESTART IDENTITY CASCADE';
