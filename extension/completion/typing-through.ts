/**
 * Typing-through: while a suggestion is shown and the user types exactly its next
 * characters, keep offering the rest of it without a new request. The anchor is the
 * document as it was when the suggestion was returned (same file, same text after the
 * cursor, text before the cursor extended by what was typed).
 */
export interface ShownSuggestion {
  path: string;
  /** Document text before / after the cursor when the suggestion was returned. */
  prefix: string;
  suffix: string;
  text: string;
}

/**
 * The rest of `shown` still to offer at the current cursor, or undefined when the user
 * deviated (or typed all of it).
 */
export function typeThrough(
  shown: ShownSuggestion | undefined,
  now: { path: string; prefix: string; suffix: string },
): { typed: string; rest: string } | undefined {
  if (!shown || shown.path !== now.path) return undefined;
  if (now.prefix.length < shown.prefix.length) return undefined;
  if (now.suffix !== shown.suffix) return undefined;
  if (!now.prefix.startsWith(shown.prefix)) return undefined;
  const typed = now.prefix.slice(shown.prefix.length);
  if (!shown.text.startsWith(typed)) return undefined;
  const rest = shown.text.slice(typed.length);
  if (rest.trim() === '') return undefined;
  return { typed, rest };
}
