/**
 * A repository's commit message style, read from the subjects of its recent commits,
 * as sentences for the prompt; and the cleaning of what the model wrote (fences,
 * quotes, a "Commit message:" preamble). Pure.
 */

const CONVENTIONAL = /^(\w+)(\([^)]*\))?!?: \S/;
const TICKET = /^(\[?[A-Z][A-Z0-9]+-\d+\]?:?)\s/;
const EMOJI = /^(\p{Extended_Pictographic}|:[a-z_]+:)/u;

const majority = (n: number, of: number) => of > 0 && n * 2 > of;

function subjectText(s: string): string {
  return s
    .replace(CONVENTIONAL.test(s) ? /^(\w+)(\([^)]*\))?!?: / : /^$/, '')
    .replace(TICKET, '')
    .replace(EMOJI, '')
    .trim();
}

export function commitStyle(subjects: readonly string[]): string[] {
  const list = subjects
    .map((s) => s.split('\n')[0]!.trim())
    .filter((s) => s !== '' && !/^Merge (branch|pull request|remote-tracking)/.test(s));
  if (list.length === 0) {
    return [
      'Write the subject in the imperative mood ("Add", "Fix"), starting with a capital letter, without a final period.',
      'Keep the subject within 72 characters.',
    ];
  }
  const style: string[] = [];
  const conventional = list.filter((s) => CONVENTIONAL.test(s));
  if (majority(conventional.length, list.length)) {
    const types = [...new Set(conventional.map((s) => CONVENTIONAL.exec(s)![1]!))].slice(0, 6);
    const scoped = conventional.filter((s) => CONVENTIONAL.exec(s)![2]).length;
    style.push(
      `Start the subject with a Conventional Commits type and a colon (${types.map((t) => `"${t}:"`).join(', ')} appear)${majority(scoped, conventional.length) ? ', with a scope in parentheses as in the examples' : ''}.`,
    );
  }
  if (majority(list.filter((s) => TICKET.test(s)).length, list.length))
    style.push('Start the subject with the ticket id, as the examples do.');
  if (majority(list.filter((s) => EMOJI.test(s)).length, list.length)) style.push('Start the subject with an emoji, as the examples do.');
  const texts = list.map(subjectText).filter((t) => t !== '');
  const capitalised = texts.filter((t) => /^\p{Lu}/u.test(t)).length;
  const lower = texts.filter((t) => /^\p{Ll}/u.test(t)).length;
  if (majority(capitalised, texts.length)) style.push('Start the description with a capital letter.');
  else if (majority(lower, texts.length)) style.push('Start the description with a lower-case letter.');
  const period = list.filter((s) => s.endsWith('.')).length;
  style.push(majority(period, list.length) ? 'End the subject with a period.' : 'Do not end the subject with a period.');
  const lengths = list.map((s) => s.length).sort((a, b) => a - b);
  const typical = lengths[Math.min(lengths.length - 1, Math.floor(lengths.length * 0.9))]!;
  const limit = Math.min(120, Math.max(50, Math.ceil(typical / 10) * 10));
  style.push(`Keep the subject within ${limit} characters, like the examples.`);
  return style;
}

/** The message without what models wrap it in; '' when nothing is left. */
export function cleanCommitMessage(text: string): string {
  let s = text.replace(/\r\n?/g, '\n').trim();
  const fenced = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?\1\s*$/.exec(s);
  if (fenced) s = fenced[2]!.trim();
  s = s.replace(/^(here is|here's)[^\n]*:\s*\n+/i, '');
  s = s.replace(/^\**(suggested )?commit message\**\s*:\s*/i, '');
  if (/^(["'`])[\s\S]*\1$/.test(s) && !s.slice(1, -1).includes(s[0]!)) s = s.slice(1, -1).trim();
  const lines = s.split('\n').map((l) => l.replace(/\s+$/, ''));
  const out: string[] = [];
  for (const l of lines) if (!(l === '' && out[out.length - 1] === '')) out.push(l);
  while (out.length > 0 && out[0] === '') out.shift();
  // A subject followed directly by body lines gets the blank line git expects.
  if (out.length > 1 && out[1] !== '') out.splice(1, 0, '');
  return out.join('\n').trim();
}
