import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ERROR_TYPE_CLASS,
  ERROR_TYPES,
  NON_RETRYABLE_ERROR_TYPES,
  REVIEW_REASON_BY_TYPE,
} from '../../src/shared/errors.js';
import { REVIEW_REASON } from '../../src/shared/status.js';

describe('an unreadable document in the error taxonomy', () => {
  it('is an input failure, never retried, that sends the document to review as unreadable', () => {
    assert.equal(ERROR_TYPES.unreadableDocument, 'DocketUnreadableDocument');
    assert.equal(ERROR_TYPE_CLASS.DocketUnreadableDocument, 'input');
    assert.ok(NON_RETRYABLE_ERROR_TYPES.includes(ERROR_TYPES.unreadableDocument));
    assert.equal(REVIEW_REASON_BY_TYPE.DocketUnreadableDocument, REVIEW_REASON.unreadable);
    assert.equal(REVIEW_REASON.unreadable, 'unreadable');
  });
});
