/**
 * Project rules: `AGENTS.md` and `.tandem/rules.md` at a workspace root, included in
 * chat, fix and edit prompts (never in completions). Read at every use through the one
 * checked read (`readInsideRoots`: the file's realpath inside the root when it is read,
 * so a rules file or `.tandem` folder turned into a symlink to outside gives nothing);
 * files over 256 KB, not UTF-8 or outside the root are left out with a warning, once
 * per file and reason.
 */
import { join } from 'node:path';
import { readInsideRoots } from '../../shared/paths';

export const RULE_FILES = ['AGENTS.md', '.tandem/rules.md'] as const;
const MAX_RULES_BYTES = 256 * 1024;

export interface ProjectRule {
  /** Root-relative path. */
  path: string;
  text: string;
}

export class ProjectRules {
  /** The warning last given per file, so a problem is said once, not at every chat turn. */
  private readonly warned = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly warn: (msg: string) => void = () => {},
  ) {}

  /** The rule files present now, in a fixed order. */
  read(): ProjectRule[] {
    const out: ProjectRule[] = [];
    for (const rel of RULE_FILES) {
      const abs = join(this.root, rel);
      const read = readInsideRoots(abs, [this.root], { maxBytes: MAX_RULES_BYTES });
      if (!read.ok) {
        if (read.rule === 'too_large') this.warnOnce(rel, `${abs} is over 256 KB; project rules must be shorter to be used.`);
        else if (read.rule === 'symlink' || read.rule === 'changed' || read.rule === 'outside' || read.rule === 'git')
          this.warnOnce(rel, `${read.reason} It is not used as project rules.`);
        else this.warned.delete(rel);
        continue;
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes).trim();
      } catch {
        this.warnOnce(rel, `${abs} is not UTF-8 text; it is not used as project rules.`);
        continue;
      }
      this.warned.delete(rel);
      if (text !== '') out.push({ path: rel, text });
    }
    return out;
  }

  private warnOnce(rel: string, message: string): void {
    if (this.warned.get(rel) === message) return;
    this.warned.set(rel, message);
    this.warn(message);
  }
}
