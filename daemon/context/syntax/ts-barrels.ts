/**
 * TypeScript and JavaScript barrels: a module that re-exports others (`export * from
 * './createMachine'`, `export { Hono } from './hono'`) hands out their names, so an import
 * of the barrel (`import { createMachine } from '../src'`) names the files those re-exports
 * reach, as the compiler resolves them: the barrel first, then what it re-exports, breadth
 * first (a barrel of barrels too).
 *
 * Work is bounded: MAX_DEPTH re-export hops and MAX_FILES files per import.
 */
import type { ImportFact } from './types';

const MAX_DEPTH = 3;
const MAX_FILES = 60;

export interface BarrelHost {
  /** A file's import facts as indexed (re-exports among them) and its language, undefined when it is not indexed. */
  factsOf(file: string): { imports: ImportFact[]; language: string } | undefined;
  resolve(fact: ImportFact, fromRel: string, languageId: string): string[];
}

/**
 * `files` and the files their re-exports reach. With `names`, a named re-export (`export { a } from`)
 * is followed only for one of them; `export *` always (it may hold any).
 */
export function withReexports(host: BarrelHost, files: string[], names?: Set<string>): string[] {
  const out = [...files];
  const seen = new Set(files);
  let level = files;
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0 && out.length < MAX_FILES; depth++) {
    const next: string[] = [];
    for (const f of level) {
      const facts = host.factsOf(f);
      if (!facts) continue;
      for (const imp of facts.imports) {
        if (!imp.reexport) continue;
        if (names && !imp.wildcard && !imp.names.some((n) => names.has(n.local))) continue;
        for (const target of host.resolve(imp, f, facts.language)) {
          if (seen.has(target) || out.length >= MAX_FILES) continue;
          seen.add(target);
          out.push(target);
          next.push(target);
        }
      }
    }
    level = next;
  }
  return out;
}
