import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Loaded by path (`failureConverterPath`) in the workflow sandbox, the worker and every client: failures' messages
 * and stack traces move into an encoded payload, so the payload codec encrypts them like any other payload.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
