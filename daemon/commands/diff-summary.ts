/**
 * A unified diff fitted to a commit message prompt's budget. When the whole diff fits,
 * it goes as it is. Otherwise every file is named with its status and line counts (an
 * overview the model always sees), and the rest of the budget is shared among the
 * files' hunks by water-filling: the smallest files first get all they need, the larger
 * ones share what is left equally, each cut at hunk (then line) boundaries with a note
 * saying what was left out. Lock files, generated and minified files are only named.
 * Pure; token counts come in as a function.
 */

export type DiffFileStatus = 'added' | 'deleted' | 'renamed' | 'modified' | 'binary' | 'mode';

export interface DiffFile {
  path: string;
  oldPath?: string;
  status: DiffFileStatus;
  added: number;
  removed: number;
  /** The `diff --git` line and the header lines up to the first hunk. */
  header: string[];
  /** Each hunk's text, its `@@` line first. */
  hunks: string[];
}

export interface FittedDiff {
  text: string;
  files: number;
  /** Files with hunks left out (or only named). */
  summarisedFiles: number;
  summarised: boolean;
}

const unquote = (p: string) => (p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1) : p);
const stripPrefix = (p: string) => unquote(p).replace(/^[ab]\//, '');

export function parseUnifiedDiff(diff: string): DiffFile[] {
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let hunk: string[] | undefined;
  const endHunk = () => {
    if (file && hunk) file.hunks.push(hunk.join('\n'));
    hunk = undefined;
  };
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      endHunk();
      const m = /^diff --git (\S+|"[^"]+") (\S+|"[^"]+")$/.exec(line);
      const path = m ? stripPrefix(m[2]!) : line.slice('diff --git '.length);
      file = { path, status: 'modified', added: 0, removed: 0, header: [line], hunks: [] };
      files.push(file);
      continue;
    }
    if (!file) continue;
    if (line.startsWith('@@')) {
      endHunk();
      hunk = [line];
      continue;
    }
    if (hunk) {
      if (line.startsWith('+')) file.added++;
      else if (line.startsWith('-')) file.removed++;
      hunk.push(line);
      continue;
    }
    file.header.push(line);
    if (line.startsWith('new file mode')) file.status = 'added';
    else if (line.startsWith('deleted file mode')) file.status = 'deleted';
    else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = line.slice('rename from '.length);
    } else if (line.startsWith('rename to ')) file.path = line.slice('rename to '.length);
    else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.status = 'binary';
    else if (line.startsWith('old mode') && file.status === 'modified') file.status = 'mode';
    else if (line.startsWith('+++ ') && !line.startsWith('+++ /dev/null')) file.path = stripPrefix(line.slice(4).split('\t')[0]!);
  }
  endHunk();
  return files;
}

const GENERATED = [
  /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|poetry\.lock|uv\.lock|Pipfile\.lock|go\.sum|composer\.lock|Gemfile\.lock)$/,
  /\.min\.(js|css)$/,
  /\.(map|snap)$/,
  /(^|\/)(dist|build|out|vendor|node_modules)\//,
];

export function isGenerated(path: string): boolean {
  return GENERATED.some((re) => re.test(path));
}

function overviewLine(f: DiffFile): string {
  const what = f.status === 'renamed' && f.oldPath ? `renamed from ${f.oldPath}` : f.status;
  return `${f.path} (${what}): +${f.added} -${f.removed}${isGenerated(f.path) ? ', generated or lock file: not shown' : ''}`;
}

/** The diff as it is when it fits `budgetTokens`, else the overview and a fair share of each file's hunks. */
export function fitDiff(diff: string, budgetTokens: number, count: (text: string) => number): FittedDiff {
  const files = parseUnifiedDiff(diff);
  const trimmed = diff.trim();
  if (count(trimmed) <= budgetTokens) return { text: trimmed, files: files.length, summarisedFiles: 0, summarised: false };

  const overview = `Files changed (${files.length}):\n${files.map(overviewLine).join('\n')}`;
  let left = budgetTokens - count(overview) - 16;
  const shown = new Map<DiffFile, { hunks: string[]; omittedLines: number }>();
  const candidates = files.filter((f) => !isGenerated(f.path) && f.hunks.length > 0);
  const cost = new Map(candidates.map((f) => [f, count([f.header[0]!, ...f.hunks].join('\n')) + 1]));
  const order = [...candidates].sort((a, b) => cost.get(a)! - cost.get(b)!);
  for (const [k, f] of order.entries()) {
    if (left <= 0) break;
    const share = Math.floor(left / (order.length - k));
    const whole = cost.get(f)!;
    if (whole <= share) {
      shown.set(f, { hunks: f.hunks, omittedLines: 0 });
      left -= whole;
      continue;
    }
    const taken = takeHunks(f, share - count(f.header[0]!) - 12, count);
    if (taken.hunks.length === 0) continue;
    shown.set(f, taken);
    left -= count([f.header[0]!, ...taken.hunks].join('\n')) + 12;
  }
  const body: string[] = [overview];
  let summarisedFiles = 0;
  for (const f of files) {
    const s = shown.get(f);
    if (!s || s.omittedLines > 0) summarisedFiles++;
    if (!s) continue;
    body.push(
      [f.header[0]!, ...s.hunks, ...(s.omittedLines > 0 ? [`… ${s.omittedLines} more changed lines of ${f.path} left out`] : [])].join(
        '\n',
      ),
    );
  }
  return { text: body.join('\n\n'), files: files.length, summarisedFiles, summarised: true };
}

/** Whole hunks while they fit, then the start of the next one; counts the changed lines left out. */
function takeHunks(f: DiffFile, budget: number, count: (text: string) => number): { hunks: string[]; omittedLines: number } {
  const hunks: string[] = [];
  let used = 0;
  let k = 0;
  for (; k < f.hunks.length; k++) {
    const c = count(f.hunks[k]!) + 1;
    if (used + c > budget) break;
    hunks.push(f.hunks[k]!);
    used += c;
  }
  let omitted = 0;
  if (k < f.hunks.length) {
    const lines = f.hunks[k]!.split('\n');
    const kept: string[] = [];
    for (const l of lines) {
      const c = count(l) + 1;
      if (used + c > budget) break;
      kept.push(l);
      used += c;
    }
    if (kept.length > 1) hunks.push(kept.join('\n'));
    const changed = (ls: string[]) => ls.filter((l) => /^[+-]/.test(l)).length;
    omitted += changed(lines) - (kept.length > 1 ? changed(kept) : 0);
    for (const h of f.hunks.slice(k + 1)) omitted += changed(h.split('\n'));
  }
  return { hunks, omittedLines: omitted };
}
