import { z } from '@hono/zod-openapi';

/** The body of every error answer: `{ "error": { "code", "message" } }`. */
export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi('Error');
