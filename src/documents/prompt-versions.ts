import { loadPrompts } from '../llm/prompts.js';
import { InvalidInputError } from './errors.js';

/** Invalid input unless `version` is a prompt file of prompts/; the message lists the known versions. */
export function requireKnownPromptVersion(version: string): void {
  const prompts = loadPrompts();
  if (!prompts.find(version)) {
    throw new InvalidInputError(`unknown prompt version "${version}": known are ${prompts.versions().join(', ')}`);
  }
}
