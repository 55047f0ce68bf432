import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** The versioned prompt templates shipped with Docket (`prompts/<task>/<name>.md`). */
export const PROMPTS_DIR = fileURLToPath(new URL('../../prompts', import.meta.url));

const frontMatterSchema = z.strictObject({
  task: z.string().min(1),
  version: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, ".", "_" and "-"'),
  model: z.string().min(1),
  max_output_tokens: z.number().int().positive(),
  temperature: z.number().min(0).max(2),
  /**
   * How the document goes into the user message: `plain` (as is) or `delimited` (between boundary lines whose
   * tag the document cannot contain, declared data by the instructions). @default plain
   */
  input_format: z.enum(['plain', 'delimited']).default('plain'),
});

/** One prompt version: its settings and its instructions, with a hash of both. */
export interface PromptTemplate {
  task: string;
  version: string;
  /** The model the prompt was written and evaluated for. */
  model: string;
  maxOutputTokens: number;
  temperature: number;
  /** How the document is framed in the user message (`input_format` of the front matter). */
  inputFormat: 'plain' | 'delimited';
  instructions: string;
  /** sha256 of the file's settings and text (12 hex digits): recorded with every call and result. */
  hash: string;
  file: string;
}

/** Every prompt version, by version name. A version's text never changes once shipped: add a new file instead. */
export class PromptRegistry {
  readonly #byVersion = new Map<string, PromptTemplate>();

  constructor(templates: PromptTemplate[]) {
    for (const t of templates) {
      const existing = this.#byVersion.get(t.version);
      if (existing) throw new Error(`prompt version ${t.version} is defined twice: ${existing.file} and ${t.file}`);
      this.#byVersion.set(t.version, t);
    }
  }

  /** The template of `version`, or undefined. */
  find(version: string): PromptTemplate | undefined {
    return this.#byVersion.get(version);
  }

  get(version: string): PromptTemplate {
    const t = this.find(version);
    if (!t) throw new Error(`unknown prompt version "${version}": known are ${this.versions().join(', ')}`);
    return t;
  }

  versions(): string[] {
    return [...this.#byVersion.keys()].sort();
  }

  /** The newest version of a task: versions sort naturally (`classify-v10` after `classify-v9`). */
  latest(task: string): PromptTemplate {
    const versions = [...this.#byVersion.values()]
      .filter((t) => t.task === task)
      .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
    const newest = versions.at(-1);
    if (!newest) throw new Error(`no prompt for task "${task}" in ${PROMPTS_DIR}`);
    return newest;
  }
}

/** Parses one template file: YAML front matter between `---` lines, then the instructions. */
export function parsePromptFile(file: string, content: string): PromptTemplate {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(content);
  if (!match) throw new Error(`${file}: a prompt starts with front matter between --- lines`);
  const parsed = frontMatterSchema.safeParse(parseYaml(match[1] ?? ''));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const fm = parsed.data;
  const instructions = (match[2] ?? '').trim();
  if (!instructions) throw new Error(`${file}: the prompt has no text`);
  return {
    task: fm.task,
    version: fm.version,
    model: fm.model,
    maxOutputTokens: fm.max_output_tokens,
    temperature: fm.temperature,
    inputFormat: fm.input_format,
    instructions,
    hash: createHash('sha256').update(content.replace(/\r\n/g, '\n')).digest('hex').slice(0, 12),
    file,
  };
}

function listMarkdown(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listMarkdown(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const cache = new Map<string, PromptRegistry>();

/** Loads (once per directory) every `*.md` template below `dir`. */
export function loadPrompts(dir: string = PROMPTS_DIR): PromptRegistry {
  let registry = cache.get(dir);
  if (!registry) {
    registry = new PromptRegistry(listMarkdown(dir).map((file) => parsePromptFile(file, readFileSync(file, 'utf8'))));
    cache.set(dir, registry);
  }
  return registry;
}
