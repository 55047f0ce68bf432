import type { Hono } from 'hono';
import { z } from 'zod';
import { DEFAULT_CATEGORIES } from './classify.js';
import { decideTruth } from './ground-truth.js';
import { controlError, type Env } from './http.js';
import type { SimulatorState } from './state.js';

const truthQuestionSchema = z.strictObject({
  text: z.string(),
  categories: z.array(z.string().min(1)).min(2).optional(),
  model: z.string().min(1).optional(),
});

const MODE_OFF = 'ground truth mode is off: turn it on with PUT /_sim/profile {"groundTruth": {}}';

/**
 * `/_sim/truth` controls of ground truth mode: `GET` lists what it answered (`?text-hash=` SHA-256 of a document's
 * text, `?model=`), `POST { text, categories?, model? }` tells what it would answer for a text, without a call.
 */
export function registerTruthControls(app: Hono<Env>, state: SimulatorState): void {
  app.get('/_sim/truth', (c) => {
    const textHash = c.req.query('text-hash');
    const model = c.req.query('model');
    return c.json(state.truth.list({ ...(textHash ? { textHash } : {}), ...(model ? { model } : {}) }));
  });
  app.post('/_sim/truth', async (c) => {
    const parsed = truthQuestionSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(controlError(parsed.error.message), 400);
    const { profile } = state;
    if (!profile.groundTruth) return c.json(controlError(MODE_OFF), 409);
    const { text, categories = [...DEFAULT_CATEGORIES], model = 'gpt-4o-mini' } = parsed.data;
    return c.json(decideTruth(text, categories, model, profile.groundTruth, profile.seed));
  });
}
