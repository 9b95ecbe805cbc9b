/**
 * Warming the completion path once a root's first index is done (tandemd does; the CLI and
 * tests do not). The first completions a process assembles run code V8 has not compiled yet,
 * regular expressions not yet compiled to native code, grammars and the tokenizer's
 * WebAssembly not yet tiered up, and SQLite statements not yet prepared: measured on
 * bench:context, the first 30 completions after an index took about twice as long as the
 * rest (p50 11.6 ms against 3.9). A few dozen completions assembled in prepare mode at
 * places in the root's own files, before anyone types, do that work instead of the user's
 * first keystrokes.
 *
 * Prepare mode records nothing (no diagnostics, not the document's last prompt), so no
 * prompt a user gets is changed by it; only caches fill. No query goes to the embedding model
 * (vector search is skipped): a warm-up is no reason to load a model on a shared server. It yields to the event loop between
 * assemblies and stops at the first completion a client asks for (its own work warms the rest),
 * when the root goes away, or when its time is up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { FileRow } from './index-store';
import { PromptLayouts } from './render';
import { raceTimer, yieldToEventLoop } from './retrieval';
import type { AssembledCompletionPrompt, CompletionContextRequest } from './types';
import type { WorkspaceIndex } from './workspace';

export interface WarmUpOptions {
  /** The most assemblies (default 60: measured, fewer leave the first real ones slower). */
  assemblies?: number;
  /** Places per file (default 2): more files reach more of the code (imports of many shapes). */
  perFile?: number;
  /** Stop after this long, ms (default 3,000: a slow machine warms part of the way). */
  maxMs?: number;
  /** Files larger than this are left out, bytes (default 200,000). */
  maxFileBytes?: number;
}

export interface WarmUpReport {
  root: string;
  assemblies: number;
  files: number;
  elapsedMs: number;
  /** Why it stopped before its last assembly, if it did. */
  stopped?: string;
}

export interface WarmUpDeps {
  ws: WorkspaceIndex;
  /** A prepare-mode assembly (`CompletionAssembler.assemble(req, undefined, { prepare: true })`). */
  prepare: (req: Omit<CompletionContextRequest, 'completionId'>) => Promise<AssembledCompletionPrompt>;
  /** Why to stop now (a client's completion came, the root is gone, the engine is closing), if any. */
  interrupted: () => string | undefined;
  now: () => number;
  logger: Logger;
  /**
   * Starts the search thread and settles once it answers queries or cannot (lexical-search.ts
   * `LexicalThread.ready`). Awaited before the first assembly: a user's completions search there,
   * and the assemblies of a thread still starting would search on the daemon's thread instead,
   * warming the fallback and mapping the full-text index into memory a second time.
   */
  searchReady?: () => Promise<unknown>;
}

/**
 * The files to warm on: the most recently modified file of each language the root's grammars
 * parse (each grammar and its rules get loaded and compiled), then the most recent others: what
 * a user opens first is most likely what they worked on last.
 */
export function warmUpFiles(files: Iterable<FileRow>, count: number, maxBytes: number): FileRow[] {
  const parsed = [...files]
    .filter((f) => f.parser.startsWith('tree-sitter') && f.size > 0 && f.size <= maxBytes)
    .sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chosen: FileRow[] = [];
  const languages = new Set<string>();
  for (const f of parsed) {
    if (chosen.length >= count) break;
    if (languages.has(f.language)) continue;
    languages.add(f.language);
    chosen.push(f);
  }
  const taken = new Set(chosen);
  for (const f of parsed) {
    if (chosen.length >= count) break;
    if (!taken.has(f)) chosen.push(f);
  }
  return chosen;
}

/** `perFile` places spread over a file's lines with text (0-based line, at its indentation). */
export function warmUpPlaces(text: string, perFile: number): Array<{ offset: number; line: number; character: number }> {
  const lines = text.split('\n');
  const starts: number[] = [];
  const withText: number[] = [];
  let at = 0;
  lines.forEach((l, i) => {
    starts.push(at);
    at += l.length + 1;
    if (l.trim() !== '') withText.push(i);
  });
  const places: Array<{ offset: number; line: number; character: number }> = [];
  for (let k = 1; k <= perFile && withText.length > 0; k++) {
    const line = withText[Math.floor((withText.length * k) / (perFile + 1))];
    if (places.some((p) => p.line === line)) continue;
    const character = lines[line].length - lines[line].trimStart().length;
    places.push({ offset: starts[line] + character, line, character });
  }
  return places;
}

export async function warmCompletionPath(deps: WarmUpDeps, opts: WarmUpOptions = {}): Promise<WarmUpReport> {
  const assemblies = opts.assemblies ?? 60;
  const perFile = Math.max(1, opts.perFile ?? 2);
  const maxMs = opts.maxMs ?? 3000;
  const { ws, now } = deps;
  const started = now();
  const report: WarmUpReport = { root: ws.root, assemblies: 0, files: 0, elapsedMs: 0 };
  let files: FileRow[] = [];
  try {
    files = warmUpFiles(ws.store.files().values(), Math.ceil(assemblies / perFile), opts.maxFileBytes ?? 200_000);
  } catch (err) {
    report.stopped = `the index could not be read: ${(err as Error).message}`;
  }
  if (files.length > 0 && deps.searchReady) {
    const ready = await raceTimer(
      deps.searchReady().then(
        () => true,
        () => true,
      ),
      Math.max(0, maxMs - (now() - started)),
      false,
    );
    // The wait took all the time there was. Said so from the timer, not the clock: a timer may fire a
    // little before `now()` has moved on by as much (libuv's loop time lags under load).
    if (!ready) {
      report.stopped = `its ${maxMs} ms were up`;
      files = [];
    }
  }
  outer: for (const f of files) {
    let text: string;
    try {
      text = readFileSync(join(ws.root, f.path), 'utf8');
    } catch {
      continue; // Deleted or unreadable since it was indexed: the next one.
    }
    if (text.includes('\0')) continue;
    report.files++;
    for (const p of warmUpPlaces(text, perFile)) {
      if (report.assemblies >= assemblies) break outer;
      await yieldToEventLoop();
      const why = deps.interrupted() ?? (now() - started >= maxMs ? `its ${maxMs} ms were up` : undefined);
      if (why) {
        report.stopped = why;
        break outer;
      }
      try {
        await deps.prepare({
          path: join(ws.root, f.path),
          languageId: f.language,
          prefix: text.slice(0, p.offset),
          suffix: text.slice(p.offset),
          line: p.line,
          character: p.character,
          recentFiles: [],
          numCtx: 4096,
          outputReserve: 128,
          deadlineMs: 250,
          // Each layout's rendering and counting code is compiled too.
          layout: PromptLayouts[report.assemblies % PromptLayouts.length],
          roots: [ws.root],
          // No query goes to the embedding model: it may be loading, or shared, and a warm-up is no reason to load it.
          skipVector: 'warming up: no query is sent to the embedding model',
        });
      } catch (err) {
        // The root closing under an assembly is a reason to stop, not a failure.
        report.stopped = deps.interrupted() ?? `an assembly failed: ${(err as Error).message}`;
        break outer;
      }
      report.assemblies++;
    }
  }
  report.elapsedMs = Math.round(now() - started);
  deps.logger.info(
    `context: ${ws.root}: completion path warmed with ${report.assemblies} assemblies over ${report.files} files in ${report.elapsedMs} ms` +
      (report.stopped ? ` (stopped: ${report.stopped})` : ''),
  );
  return report;
}
