import { messageText, type ChatMessage } from './request.js';

/** Tokens a message costs beyond its text (role and separators), as in OpenAI's own accounting. */
export const TOKENS_PER_MESSAGE = 4;

/** The smallest prompt prefix OpenAI caches, and the granularity of cache hits. */
export const CACHE_MIN_TOKENS = 1024;
export const CACHE_INCREMENT_TOKENS = 128;

/** Approximates tokens as one per four characters, rounded up. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Prompt tokens of a conversation: its text plus {@link TOKENS_PER_MESSAGE} per message. */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + countTokens(messageText(message)) + TOKENS_PER_MESSAGE, 0);
}

/** The concatenated text of the user messages, one per line. */
export function userText(messages: readonly ChatMessage[]): string {
  return messages
    .filter((m) => m.role === 'user')
    .map(messageText)
    .join('\n');
}

/** The stable prefix OpenAI can cache: the leading system and developer messages, as a key and a token count. */
export function stablePrefix(messages: readonly ChatMessage[]): { key: string; tokens: number } {
  const leading: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role !== 'system' && message.role !== 'developer') break;
    leading.push(message);
  }
  return {
    key: JSON.stringify(leading.map((m) => [m.role, messageText(m)])),
    tokens: countPromptTokens(leading),
  };
}

/** Cached tokens for a prefix seen before: the prefix rounded down to a multiple of 128, when it reaches 1024. */
export function cachedTokens(prefixTokens: number): number {
  if (prefixTokens < CACHE_MIN_TOKENS) return 0;
  return Math.floor(prefixTokens / CACHE_INCREMENT_TOKENS) * CACHE_INCREMENT_TOKENS;
}
