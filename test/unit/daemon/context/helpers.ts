/** Shared helpers of the context-engine tests: temp homes, fixture copies, a quiet logger. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../../../daemon/log';
import { parseContextConfig, type ContextConfigInput } from '../../../../daemon/context/config';
import { TandemContextEngine, type TandemContextEngineDeps } from '../../../../daemon/context/engine';
import { IndexStore } from '../../../../daemon/context/index-store';

export const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures');

export class MemoryLogger implements Logger {
  lines: string[] = [];
  debug(m: string) {
    this.lines.push(`debug ${m}`);
  }
  info(m: string) {
    this.lines.push(`info ${m}`);
  }
  warn(m: string) {
    this.lines.push(`warn ${m}`);
  }
  error(m: string) {
    this.lines.push(`error ${m}`);
  }
}

/**
 * An index file made to look as an older schema left it (`undo`: SQL removing what that schema
 * lacked, then `user_version = version`), opened again as this code opens it: the migrations run.
 */
export function reopenAsSchema(file: string, version: number, undo: string): IndexStore {
  const db = new Database(file);
  db.exec(undo);
  db.pragma(`user_version = ${version}`);
  db.close();
  return new IndexStore(file);
}

/** A fresh temp dir (realpath'd) removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `tandem-${prefix}-`)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A writable copy of the fixture repository. */
export function copyFixtureRepo(dest: string, name = 'context-repo'): string {
  const root = join(dest, 'repo');
  cpSync(join(FIXTURES, name), root, { recursive: true });
  return root;
}

export function makeEngine(
  home: string,
  config: ContextConfigInput = {},
  extra: Partial<TandemContextEngineDeps> = {},
): { engine: TandemContextEngine; logger: MemoryLogger } {
  const logger = new MemoryLogger();
  const engine = new TandemContextEngine({ home, config: parseContextConfig(config), logger, ...extra });
  return { engine, logger };
}

/** A repository of `files` (root-relative path → text) in a temp dir, indexed by an engine of its own (no watcher, no embeddings). */
export async function indexedRepo(
  prefix: string,
  files: Record<string, string>,
): Promise<{ root: string; engine: TandemContextEngine; close: () => Promise<void> }> {
  const t = tempDir(prefix);
  const root = join(t.dir, 'repo');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const { engine } = makeEngine(join(t.dir, 'home'), { watch: { enabled: false }, embeddings: { enabled: false } });
  await engine.indexRoot(root);
  return {
    root,
    engine,
    close: async () => {
      await engine.dispose();
      t.cleanup();
    },
  };
}

/** Cursor text split at a 1-based line (cursor at the start of that line). */
export function cursorAt(text: string, line: number): { prefix: string; suffix: string } {
  const lines = text.split('\n');
  return { prefix: lines.slice(0, line - 1).join('\n') + (line > 1 ? '\n' : ''), suffix: lines.slice(line - 1).join('\n') };
}

/** A completion request at the start of a 1-based line of the fixture repository's src/geometry/shapes.ts, as it is on disk now (no completionId). */
export function shapesRequest(root: string, line: number) {
  const path = join(root, 'src/geometry/shapes.ts');
  return {
    ...cursorAt(readFileSync(path, 'utf8'), line),
    path,
    languageId: 'typescript',
    line: line - 1,
    character: 0,
    recentFiles: [],
    numCtx: 4096,
    outputReserve: 128,
    deadlineMs: 10_000,
  };
}
