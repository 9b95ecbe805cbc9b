/**
 * Project rules: `AGENTS.md` and `.tandem/rules.md` at a workspace root, included in
 * chat, fix and edit prompts (never in completions). Re-read when their mtime changes;
 * files over 256 KB or not UTF-8 are left out with a warning.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const RULE_FILES = ['AGENTS.md', '.tandem/rules.md'] as const;
const MAX_RULES_BYTES = 256 * 1024;

export interface ProjectRule {
  /** Root-relative path. */
  path: string;
  text: string;
}

export class ProjectRules {
  private cache = new Map<string, { mtimeMs: number; size: number; rule: ProjectRule | null }>();

  constructor(
    private readonly root: string,
    private readonly warn: (msg: string) => void = () => {},
  ) {}

  /** The rule files present now, in a fixed order. */
  read(): ProjectRule[] {
    const out: ProjectRule[] = [];
    for (const rel of RULE_FILES) {
      const abs = join(this.root, rel);
      let st;
      try {
        st = statSync(abs);
      } catch {
        this.cache.delete(rel);
        continue;
      }
      if (!st.isFile()) continue;
      const hit = this.cache.get(rel);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
        if (hit.rule) out.push(hit.rule);
        continue;
      }
      let rule: ProjectRule | null = null;
      if (st.size > MAX_RULES_BYTES) this.warn(`${abs} is over 256 KB; project rules must be shorter to be used.`);
      else {
        try {
          const text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(abs)).trim();
          if (text !== '') rule = { path: rel, text };
        } catch {
          this.warn(`${abs} is not UTF-8 text; it is not used as project rules.`);
        }
      }
      this.cache.set(rel, { mtimeMs: st.mtimeMs, size: st.size, rule });
      if (rule) out.push(rule);
    }
    return out;
  }
}
