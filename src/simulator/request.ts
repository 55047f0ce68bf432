import { z } from 'zod';
import { errorAnswer, missingParameter, type ErrorAnswer } from './openai-errors.js';

const jsonSchemaObject = z.record(z.string(), z.unknown());

const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z
    .union([
      z.string(),
      z.array(
        z.looseObject({
          type: z.string(),
          text: z.string().optional(),
          image_url: z.looseObject({ url: z.string(), detail: z.enum(['low', 'high', 'auto']).optional() }).optional(),
        }),
      ),
      z.null(),
    ])
    .optional(),
  name: z.string().optional(),
});

const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      strict: z.boolean().nullish(),
      schema: jsonSchemaObject.optional(),
    }),
  }),
]);

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: jsonSchemaObject.optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);

const chatRequestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageSchema).min(1),
  response_format: responseFormatSchema.nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  stream: z.boolean().nullish(),
  n: z.int().min(1).max(128).nullish(),
});

/** The parts of a chat completion request the simulator reads; everything else is accepted and ignored. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];
export type JsonSchema = Record<string, unknown>;

/** Validates a parsed JSON body as OpenAI would, answering with OpenAI's 400 wording on the first problem. */
export function parseChatRequest(body: unknown): { request: ChatRequest } | { error: ErrorAnswer } {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && !('model' in body)) {
    return { error: errorAnswer(400, 'you must provide a model parameter', 'invalid_request_error') };
  }
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: issue ? issueToError(issue, body) : errorAnswer(400, 'Invalid request.', 'invalid_request_error') };
  }
  const request = parsed.data;
  if (request.stream) {
    return {
      error: errorAnswer(
        400,
        'The Docket simulator does not support streaming; send the request without `stream`.',
        'invalid_request_error',
        'stream',
        'unsupported_value',
      ),
    };
  }
  const format = request.response_format;
  if (format?.type === 'json_object' && !request.messages.some((m) => /json/i.test(messageText(m)))) {
    return {
      error: errorAnswer(
        400,
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'invalid_request_error',
        'messages',
      ),
    };
  }
  if (format?.type === 'json_schema' && format.json_schema.strict === true) {
    const problem = strictSchemaProblem(format.json_schema.schema ?? {}, []);
    if (problem) {
      return {
        error: errorAnswer(
          400,
          `Invalid schema for response_format '${format.json_schema.name}': ${problem}`,
          'invalid_request_error',
          'response_format',
          'invalid_json_schema',
        ),
      };
    }
  }
  return { request };
}

/** The text of a message: its string content, or its text parts joined. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => part.text ?? '').join('');
}

/** Why a strict schema would be refused: every object needs `additionalProperties: false` and all keys required. */
function strictSchemaProblem(schema: JsonSchema, context: string[]): string | undefined {
  const where = `In context=(${context.map((c) => `'${c}'`).join(', ')})`;
  const properties = asSchema(schema['properties']);
  if (schema['type'] === 'object' || properties) {
    if (schema['additionalProperties'] !== false) {
      return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const keys = Object.keys(properties ?? {});
    const required = Array.isArray(schema['required']) ? schema['required'] : [];
    const missing = keys.find((key) => !required.includes(key));
    if (missing !== undefined) {
      return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
    for (const key of keys) {
      const child = asSchema(properties?.[key]);
      const problem = child && strictSchemaProblem(child, [...context, 'properties', key]);
      if (problem) return problem;
    }
  }
  const items = asSchema(schema['items']);
  return items ? strictSchemaProblem(items, [...context, 'items']) : undefined;
}

/** Narrows a JSON Schema fragment to an object, or undefined. */
export function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

function issueToError(issue: z.core.$ZodIssue, body: unknown): ErrorAnswer {
  const param = formatParam(issue.path);
  const value = valueAt(body, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) {
        return missingParameter(param);
      }
      return errorAnswer(
        400,
        `Invalid type for '${param}': expected ${article(issue.expected)}, but got ${article(jsonType(value))} instead.`,
        'invalid_request_error',
        param,
        'invalid_type',
      );
    case 'too_small':
      if (Array.isArray(value) && value.length === 0) {
        return errorAnswer(
          400,
          `Invalid '${param}': empty array. Expected an array with minimum length ${String(issue.minimum)}, but got an empty array instead.`,
          'invalid_request_error',
          param,
          'empty_array',
        );
      }
      return errorAnswer(
        400,
        `Invalid '${param}': integer below minimum value. Expected a value >= ${String(issue.minimum)}, but got ${JSON.stringify(value)} instead.`,
        'invalid_request_error',
        param,
        'integer_below_min_value',
      );
    case 'invalid_value':
      return invalidValue(param, value, issue.values.map(String));
    case 'invalid_union': {
      const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
      if (options.length > 0) return invalidValue(param, value, options);
      break;
    }
    default:
      break;
  }
  return errorAnswer(400, `Invalid value for '${param}'.`, 'invalid_request_error', param, 'invalid_value');
}

/** 400 `invalid_value` for a value outside `supported`, listed the way OpenAI lists them. */
export function invalidValue(param: string, value: unknown, supported: string[]): ErrorAnswer {
  const quoted = supported.map((s) => `'${s}'`);
  const list =
    quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1] ?? ''}` : quoted.join('');
  return errorAnswer(
    400,
    `Invalid value: '${String(value)}'. Supported values are: ${list}.`,
    'invalid_request_error',
    param,
    'invalid_value',
  );
}

function formatParam(path: PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  return typeof value;
}

function article(type: string): string {
  const name = type === 'int' ? 'integer' : type;
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}
