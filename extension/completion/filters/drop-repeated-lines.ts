/**
 * Drop what the document already has: models often "complete" by repeating the lines
 * that follow the cursor. The trailing lines of the suggestion that equal the next lines
 * of the document (compared trimmed, blank lines ignored) are removed; a suggestion made
 * only of such lines becomes ''.
 */
import { linePrefix, lineSuffix, splitLines, type CompletionFilter } from './filter';

/** Up to `max` non-blank lines of the document after the cursor line, trimmed. */
function followingLines(suffix: string, max: number): string[] {
  const nl = suffix.indexOf('\n');
  if (nl < 0) return [];
  const out: string[] = [];
  for (const line of splitLines(suffix.slice(nl + 1))) {
    const t = line.trim();
    if (t === '') continue;
    out.push(t);
    if (out.length >= max) break;
  }
  return out;
}

export const dropRepeatedLines: CompletionFilter = (text, ctx) => {
  const lines = splitLines(text);
  // The suggestion's first line completes the cursor line unless that line is blank
  // (then the first line is a whole new line and is compared too).
  const freshLine = linePrefix(ctx).trim() === '' && lineSuffix(ctx).trim() === '';
  const firstCompared = freshLine || lines[0].trim() === '' ? 0 : 1;
  const compared = lines.map((line, i) => ({ t: line.trim(), i })).filter((x) => x.i >= firstCompared && x.t !== '');
  if (compared.length === 0) return text;
  const next = followingLines(ctx.suffix, compared.length);
  if (next.length === 0) return text;
  for (let j = 0; j < compared.length; j++) {
    const tail = compared.slice(j);
    if (tail.length <= next.length && tail.every((c, k) => c.t === next[k])) {
      return lines.slice(0, tail[0].i).join('\n').replace(/\s+$/, '');
    }
  }
  return text;
};
