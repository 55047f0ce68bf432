/**
 * Text as a model should see it: Unix line ends, runs of spaces and tabs collapsed, lines trimmed, at most one
 * blank line in a row. Markup leaves whole screens of indentation and blank lines that cost tokens and say nothing.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
