import type { BatchValidationError } from './batch-types.js';
import { errorAnswer, type ErrorAnswer } from './openai-errors.js';

/*
 * The Files and Batches APIs' errors. Where OpenAI's wording is known (invalid_json_line, duplicate_custom_id,
 * token_limit_exceeded, batch_expired, a non-JSONL upload, "No such File object") it is copied; elsewhere the code is
 * OpenAI's and the message says what to fix in the same style.
 */

/** 400 for an integer query parameter outside its range. */
export function integerOutOfRange(param: string, value: number, min: number, max: number): ErrorAnswer {
  const below = value < min;
  return errorAnswer(
    400,
    `Invalid '${param}': integer ${below ? 'below minimum' : 'above maximum'} value. Expected a value ` +
      `${below ? `>= ${min}` : `<= ${max}`}, but got ${value} instead.`,
    'invalid_request_error',
    param,
    below ? 'integer_below_min_value' : 'integer_above_max_value',
  );
}

/** 400 for an `after` cursor that names no object of the list. */
export function unknownCursor(after: string): ErrorAnswer {
  return errorAnswer(400, `Invalid 'after': no object with id '${after}'.`, 'invalid_request_error', 'after', null);
}

/** 404 for a file that does not exist (or is not written yet). */
export function fileNotFound(id: string, param = 'id'): ErrorAnswer {
  return errorAnswer(404, `No such File object: ${id}`, 'invalid_request_error', param, null);
}

/** 404 for a job that does not exist. */
export function batchNotFound(id: string): ErrorAnswer {
  return errorAnswer(404, `No batch found with id '${id}'.`, 'invalid_request_error', 'batch_id', null);
}

/** 400 for a `purpose: "batch"` upload whose name does not end in `.jsonl` (OpenAI's words). */
export function notJsonl(): ErrorAnswer {
  return errorAnswer(400, 'Invalid file format for Batch API. Must be .jsonl', 'invalid_request_error', null, null);
}

/** 400 for a `purpose: "batch"` upload over the per-file byte limit. */
export function fileTooLarge(bytes: number, limit: number): ErrorAnswer {
  return errorAnswer(
    400,
    `File is too large for the Batch API: ${bytes} bytes, more than the limit of ${limit} bytes per file. ` +
      'Split the requests over several files.',
    'invalid_request_error',
    'file',
    'file_too_large',
  );
}

/** 400 for a job whose input file was not uploaded for the Batch API. */
export function notABatchFile(id: string, purpose: string): ErrorAnswer {
  return errorAnswer(
    400,
    `The input file must be uploaded with purpose 'batch', but ${id} has purpose '${purpose}'.`,
    'invalid_request_error',
    'input_file_id',
    'invalid_value',
  );
}

/** 400 for an endpoint OpenAI batches but the simulator does not. */
export function unsupportedEndpoint(endpoint: string): ErrorAnswer {
  return errorAnswer(
    400,
    `The Docket simulator runs batches for /v1/chat/completions only, not ${endpoint}.`,
    'invalid_request_error',
    'endpoint',
    'unsupported_value',
  );
}

/** 400 for metadata with more than 16 pairs. */
export function tooManyMetadataPairs(count: number, max: number): ErrorAnswer {
  return errorAnswer(
    400,
    `Invalid 'metadata': too many properties. Expected an object with at most ${max} properties, but got an object ` +
      `with ${count} properties instead.`,
    'invalid_request_error',
    'metadata',
    'object_above_max_properties',
  );
}

/** 400 for a metadata key or value that is too long. */
export function metadataTooLong(param: string, max: number, length: number): ErrorAnswer {
  return errorAnswer(
    400,
    `Invalid '${param}': string too long. Expected a string with maximum length ${max}, but got a string with ` +
      `length ${length} instead.`,
    'invalid_request_error',
    param,
    'string_above_max_length',
  );
}

/** 400 for a cancel of a job that has already ended. */
export function cannotCancel(status: string): ErrorAnswer {
  return errorAnswer(400, `Cannot cancel a batch with status '${status}'.`, 'invalid_request_error', null, null);
}

/** A line that is not a JSON object. */
export function invalidJsonLine(line: number): BatchValidationError {
  return { code: 'invalid_json_line', line, message: 'This line is not parseable as valid JSON.', param: null };
}

/** A line without one of `custom_id`, `method`, `url`, `body` (or `body.model`). */
export function missingLineField(line: number, param: string): BatchValidationError {
  return { code: 'missing_required_parameter', line, message: `Missing required parameter: '${param}'.`, param };
}

/** A line whose `custom_id` an earlier line already used. */
export function duplicateCustomId(line: number): BatchValidationError {
  return {
    code: 'duplicate_custom_id',
    line,
    message:
      'The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for ' +
      'each request in a batch.',
    param: 'custom_id',
  };
}

/** A line whose method is not POST. */
export function invalidMethod(line: number, method: string): BatchValidationError {
  return {
    code: 'invalid_method',
    line,
    message: `Invalid value for 'method': '${method}'. Only 'POST' is supported.`,
    param: 'method',
  };
}

/** A line whose url is not the job's endpoint. */
export function urlMismatch(line: number, url: string, endpoint: string): BatchValidationError {
  return {
    code: 'url_mismatch',
    line,
    message: `The url '${url}' of this request does not match the batch endpoint '${endpoint}'.`,
    param: 'url',
  };
}

/** A line for another model than the first line's: a job runs one model. */
export function modelMismatch(line: number, model: string, expected: string): BatchValidationError {
  return {
    code: 'model_mismatch',
    line,
    message: `The model '${model}' of this request differs from '${expected}', the model of the batch's first request. Every request in a batch must use the same model.`,
    param: 'body.model',
  };
}

/** An input file without a request. */
export function emptyFile(): BatchValidationError {
  return {
    code: 'empty_file',
    line: null,
    message: 'The batch input file is empty. Please ensure that the batch contains at least one request.',
    param: null,
  };
}

/** An input file with more requests than a job takes. */
export function tooManyTasks(count: number, limit: number): BatchValidationError {
  return {
    code: 'too_many_tasks',
    line: null,
    message: `The batch input file has ${count} requests, more than the limit of ${limit} requests per batch. Split it into several batches.`,
    param: null,
  };
}

/** A job whose tokens would exceed its model's enqueued-token limit (OpenAI's wording). */
export function tokenLimitExceeded(model: string, limit: number): BatchValidationError {
  return {
    code: 'token_limit_exceeded',
    line: null,
    message:
      `Enqueued token limit reached for ${model} in organization org-docket-simulator. Limit: ` +
      `${limit.toLocaleString('en-US')} enqueued tokens. Please try again once some in_progress batches have been ` +
      'completed.',
    param: null,
  };
}

/** The error of a line a job did not run before its completion window closed (OpenAI's wording). */
export const BATCH_EXPIRED = {
  code: 'batch_expired',
  message: 'This request could not be executed before the completion window expired.',
} as const;
