import { splitBucket } from './split.js';

/**
 * Mixed into the document id before it is hashed, so that the audit sample is independent of the canary split, which
 * hashes the bare id: without it, a 2% audit would fall entirely inside a 10% canary's candidate documents.
 */
export const AUDIT_SALT = 'docket-audit-v1';

/** DOCKET_AUDIT_RATE's default: the share of confident, auto-accepted results also sent to review as audits. */
export const DEFAULT_AUDIT_RATE = 0.02;

/**
 * Whether a confident, auto-accepted result is audited: sent to review with reason `audit` after it is stored. The
 * decision depends on the document id alone (never on its text, category or confidence), so the audited documents
 * are a uniform random share `rate` of every auto-accepted result, and their observed accuracy is an unbiased estimate
 * of the accuracy of all of them. Deterministic and free of Node built-ins: workflow code can call it, and a replay or
 * a retry makes the same decision.
 */
export function isAudited(documentId: string, rate: number, salt: string = AUDIT_SALT): boolean {
  if (!(rate > 0)) return false;
  if (rate >= 1) return true;
  return splitBucket(`${salt}\u0000${documentId}`) < rate;
}
