/**
 * Project rules (AGENTS.md and the like, `context/rules.ts`) for a chat's system prompt:
 * one reader per workspace root, capped so that a long rules file cannot crowd out the
 * conversation.
 */
import type { TokenCounter } from '../context/budget';
import { ProjectRules } from '../context/rules';
import type { Logger } from '../log';
import { clipToTokens } from './context';

/** Project rules are capped so that a long AGENTS.md cannot crowd out the conversation. */
export const CHAT_RULES_MAX_TOKENS = 2000;

export type RuleText = { path: string; text: string };

export class ChatRules {
  private readonly byRoot = new Map<string, ProjectRules>();

  constructor(
    private readonly counter: TokenCounter,
    private readonly logger: Logger,
  ) {}

  /** The rules of `root`, clipped to `CHAT_RULES_MAX_TOKENS` in all; none without a root. */
  read(root: string | undefined): RuleText[] {
    if (!root) return [];
    let rules = this.byRoot.get(root);
    if (!rules) {
      rules = new ProjectRules(root, (msg) => this.logger.warn(msg));
      this.byRoot.set(root, rules);
    }
    let left = CHAT_RULES_MAX_TOKENS;
    const out: RuleText[] = [];
    for (const r of rules.read()) {
      const clip = clipToTokens(this.counter, r.text, left);
      if (clip.text.trim() === '') break;
      out.push({ path: r.path, text: clip.text });
      left -= clip.tokens;
    }
    return out;
  }
}
