/**
 * Parser of the edit formats the `fix` and `edit` models answer in.
 *
 * Search/replace blocks (the format the prompts ask for), each optionally preceded by
 * the file's path on its own line (a Markdown fence between them is fine):
 *
 *     src/sum.ts
 *     <<<<<<< SEARCH
 *     return a - b;
 *     =======
 *     return a + b;
 *     >>>>>>> REPLACE
 *
 * A block without a path line belongs to the previous block's file, or to the default
 * file when it is the first. Unified diffs (`--- a/x`, `+++ b/x`, `@@ … @@` hunks, with
 * or without line numbers) are accepted too: each hunk becomes a block whose search
 * text is its context and removed lines and whose replacement is its context and added
 * lines, with the hunk's start line as a hint; `--- /dev/null` creates a file and
 * `+++ /dev/null` deletes one. Whatever cannot be understood is reported in `problems`
 * with the answer's line number; text outside blocks is kept as the explanation.
 * Pure: no file system, no paths resolved here.
 */

export interface EditBlock {
  /** 0-based, in order of appearance. */
  index: number;
  /** The file as the answer names it (undefined: the default file). */
  path?: string;
  /** Text to find (lines joined by "\n", no final newline); "" means "the whole, empty file". */
  search: string;
  replace: string;
  /** 1-based line where `search` should start (unified diff hunks). */
  lineHint?: number;
  /** 1-based line of the answer where the block starts, for messages. */
  sourceLine: number;
  origin: 'search-replace' | 'unified-diff';
}

export interface FileCreation {
  path: string;
  text: string;
  sourceLine: number;
}

export interface FileDeletion {
  path: string;
  sourceLine: number;
}

export interface ParseProblem {
  sourceLine: number;
  reason: string;
}

export interface ParsedEdits {
  blocks: EditBlock[];
  creates: FileCreation[];
  deletes: FileDeletion[];
  problems: ParseProblem[];
  /** The answer's text outside blocks and fences, trimmed (the model's explanation). */
  prose: string;
  /** Contents of fenced code blocks holding no edit block (a model rewriting the whole file). */
  codeBlocks: string[];
}

const SEARCH = /^\s*<{5,9}\s*SEARCH\s*$/i;
const DIVIDER = /^\s*={5,9}\s*$/;
const REPLACE = /^\s*>{5,9}\s*REPLACE\s*$/i;
const FENCE = /^\s*(```|~~~)/;
const HUNK = /^@@(?:\s+-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s+@@.*|.*)$/;

/** Split into lines, tolerating CRLF answers. */
function lines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/**
 * A line naming a file, as models write it: `src/a.ts`, `**src/a.ts**`, `` `src/a.ts` ``,
 * `File: src/a.ts`, `### src/a.ts:`. Undefined for prose.
 */
export function pathFromLine(line: string): string | undefined {
  let s = line.trim();
  s = s.replace(/^#+\s*/, '').replace(/^[-*]\s+/, '');
  s = s.replace(/^(?:file(?:name)?|path)\s*:\s*/i, '');
  s = s
    .replace(/^\*\*(.*)\*\*:?$/, '$1')
    .replace(/^`(.*)`:?$/, '$1')
    .replace(/^"(.*)"$/, '$1');
  s = s.replace(/:$/, '').trim();
  if (s === '' || s.length > 400) return undefined;
  if (/\s/.test(s)) return undefined;
  if (/^[<>=]{3,}/.test(s) || FENCE.test(s)) return undefined;
  // A path has a separator or an extension (or is a dotfile like .eslintrc).
  if (!/[/\\]/.test(s) && !/\.[A-Za-z0-9_-]+$/.test(s)) return undefined;
  if (/[.!?,;]$/.test(s)) return undefined;
  return s;
}

/** Path of a unified diff header (`--- a/x`, `+++ b/x\t2024-…`); null for /dev/null. */
function diffHeaderPath(rest: string): string | null {
  let s = rest.split('\t')[0]!.trim();
  if (s.startsWith('"') && s.endsWith('"') && s.length > 1) s = s.slice(1, -1);
  if (s === '/dev/null') return null;
  if (/^[ab]\//.test(s)) s = s.slice(2);
  return s;
}

export function parseEditResponse(answer: string): ParsedEdits {
  const src = lines(answer);
  const out: ParsedEdits = { blocks: [], creates: [], deletes: [], problems: [], prose: '', codeBlocks: [] };
  const prose: string[] = [];
  let lastPath: string | undefined;
  let lastBlockEnd = -1;
  let inFence = false;
  let i = 0;

  const lookBackForPath = (at: number): string | undefined => {
    for (let k = at - 1; k > lastBlockEnd; k--) {
      const l = src[k]!;
      if (l.trim() === '' || FENCE.test(l)) continue;
      const p = pathFromLine(l);
      if (p !== undefined) {
        // The path line is not prose.
        const idx = prose.lastIndexOf(l);
        if (idx >= 0) prose.splice(idx, 1);
      }
      return p;
    }
    return undefined;
  };

  while (i < src.length) {
    const line = src[i]!;

    if (SEARCH.test(line)) {
      const start = i;
      const named = lookBackForPath(i);
      const path = named ?? lastPath;
      const search: string[] = [];
      const replace: string[] = [];
      let state: 'search' | 'replace' = 'search';
      let closed = false;
      let broken: string | undefined;
      i++;
      for (; i < src.length; i++) {
        const l = src[i]!;
        if (REPLACE.test(l)) {
          if (state === 'search') broken = 'it has no "=======" line between the SEARCH and REPLACE parts';
          closed = true;
          break;
        }
        if (SEARCH.test(l)) {
          broken = 'it is not closed with ">>>>>>> REPLACE" before the next "<<<<<<< SEARCH"';
          break;
        }
        if (DIVIDER.test(l)) {
          if (state === 'replace') {
            broken = 'it has two "=======" lines';
            continue;
          }
          state = 'replace';
          continue;
        }
        (state === 'search' ? search : replace).push(l);
      }
      if (!closed && broken === undefined) broken = 'the answer ends before ">>>>>>> REPLACE"';
      if (broken !== undefined) {
        out.problems.push({ sourceLine: start + 1, reason: `The edit block at line ${start + 1} of the answer is malformed: ${broken}.` });
        // Resume at the unexpected SEARCH line, or after the bad block's end.
        if (closed) i++;
        lastBlockEnd = i - 1;
        continue;
      }
      out.blocks.push({
        index: out.blocks.length,
        path,
        search: search.join('\n'),
        replace: replace.join('\n'),
        sourceLine: start + 1,
        origin: 'search-replace',
      });
      lastPath = path;
      lastBlockEnd = i;
      i++;
      continue;
    }

    if (DIVIDER.test(line) || REPLACE.test(line)) {
      out.problems.push({
        sourceLine: i + 1,
        reason: `Line ${i + 1} of the answer has a "${line.trim()}" marker outside any "<<<<<<< SEARCH" block.`,
      });
      i++;
      continue;
    }

    if (line.startsWith('--- ') && src[i + 1]?.startsWith('+++ ')) {
      i = parseDiffFile(src, i, out);
      lastBlockEnd = i - 1;
      continue;
    }

    if (FENCE.test(line)) {
      inFence = !inFence;
      i++;
      continue;
    }
    if (line.startsWith('diff --git ') || line.startsWith('index ')) {
      i++;
      continue;
    }
    // Code quoted in fences is not explanation.
    if (!inFence) prose.push(line);
    i++;
  }
  out.prose = prose
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  out.codeBlocks = fencedBlocks(src)
    .filter((b) => !b.some((l) => SEARCH.test(l) || l.startsWith('@@')))
    .map((b) => withFinalNewline(b.join('\n')));
  return out;
}

/** The bodies of top-level fenced code blocks (a fence closes on a bare fence of its kind). */
function fencedBlocks(src: string[]): string[][] {
  const blocks: string[][] = [];
  for (let i = 0; i < src.length; i++) {
    if (!FENCE.test(src[i]!)) continue;
    const marker = src[i]!.trim().startsWith('~~~') ? '~~~' : '```';
    const body: string[] = [];
    let j = i + 1;
    for (; j < src.length && src[j]!.trim() !== marker; j++) body.push(src[j]!);
    if (j >= src.length) break;
    blocks.push(body);
    i = j;
  }
  return blocks;
}

/** Parse one file of a unified diff starting at its `---` line; returns the next line index. */
function parseDiffFile(src: string[], at: number, out: ParsedEdits): number {
  const oldPath = diffHeaderPath(src[at]!.slice(4));
  const newPath = diffHeaderPath(src[at + 1]!.slice(4));
  const headerLine = at + 1;
  let i = at + 2;
  const hunks: Array<{ start: number; oldStart?: number; search: string[]; replace: string[] }> = [];
  while (i < src.length) {
    const line = src[i]!;
    const m = HUNK.exec(line);
    if (!line.startsWith('@@') || !m) break;
    const hunk = { start: i, oldStart: m[1] !== undefined ? Number(m[1]) : undefined, search: [] as string[], replace: [] as string[] };
    i++;
    for (; i < src.length; i++) {
      const l = src[i]!;
      if (l.startsWith('@@') || FENCE.test(l) || l.startsWith('diff --git ')) break;
      if (l.startsWith('--- ') && src[i + 1]?.startsWith('+++ ')) break;
      if (l.startsWith('\\')) continue; // "\ No newline at end of file"
      if (l.startsWith('+')) hunk.replace.push(l.slice(1));
      else if (l.startsWith('-')) hunk.search.push(l.slice(1));
      else if (l.startsWith(' ')) {
        hunk.search.push(l.slice(1));
        hunk.replace.push(l.slice(1));
      } else if (l === '') {
        // Models often drop the space of an empty context line; a blank line that ends
        // the diff (followed by prose or nothing) is not context.
        const next = src[i + 1];
        if (next === undefined || !/^[ +\-@\\]/.test(next)) break;
        hunk.search.push('');
        hunk.replace.push('');
      } else break;
    }
    hunks.push(hunk);
  }
  if (hunks.length === 0) {
    out.problems.push({
      sourceLine: headerLine,
      reason: `The diff for ${newPath ?? oldPath ?? 'a file'} at line ${headerLine} of the answer has no "@@" hunk.`,
    });
    return i;
  }
  if (oldPath === null && newPath !== null) {
    const text = hunks.flatMap((h) => h.replace).join('\n');
    out.creates.push({ path: newPath, text: text === '' ? '' : `${text}\n`, sourceLine: headerLine });
    return i;
  }
  if (newPath === null && oldPath !== null) {
    out.deletes.push({ path: oldPath, sourceLine: headerLine });
    return i;
  }
  const path = newPath ?? oldPath ?? undefined;
  if (oldPath !== null && newPath !== null && oldPath !== newPath) {
    out.problems.push({
      sourceLine: headerLine,
      reason: `The diff at line ${headerLine} of the answer renames ${oldPath} to ${newPath}; renames are planned steps, not diffs.`,
    });
    return i;
  }
  for (const h of hunks) {
    out.blocks.push({
      index: out.blocks.length,
      path,
      search: h.search.join('\n'),
      replace: h.replace.join('\n'),
      lineHint: h.oldStart,
      sourceLine: h.start + 1,
      origin: 'unified-diff',
    });
  }
  return i;
}

/**
 * The content of a new file from a `create` answer: the first fenced code block, or a
 * single search/replace block with an empty SEARCH, or the whole answer when it has
 * neither. Undefined when the answer is empty.
 */
export function parseNewFileContent(answer: string): string | undefined {
  const src = lines(answer);
  const open = src.findIndex((l) => FENCE.test(l));
  if (open >= 0) {
    const marker = src[open]!.trim().startsWith('~~~') ? '~~~' : '```';
    // The closing fence is the last bare fence line (the content may hold fenced examples).
    let close = -1;
    for (let k = src.length - 1; k > open; k--) {
      if (src[k]!.trim() === marker) {
        close = k;
        break;
      }
    }
    if (close > open) {
      const body = src.slice(open + 1, close);
      const parsed = parseEditResponse(body.join('\n'));
      if (parsed.blocks.length === 1 && parsed.blocks[0]!.search === '') return withFinalNewline(parsed.blocks[0]!.replace);
      return withFinalNewline(body.join('\n'));
    }
  }
  const parsed = parseEditResponse(answer);
  if (parsed.blocks.length === 1 && parsed.blocks[0]!.search === '') return withFinalNewline(parsed.blocks[0]!.replace);
  const whole = answer.replace(/\r\n?/g, '\n').trim();
  return whole === '' ? undefined : withFinalNewline(whole);
}

function withFinalNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
