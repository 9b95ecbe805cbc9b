/**
 * Whether a command line from the model may run, and how (pure).
 *
 * The model's command is never trusted. It runs only when:
 * - it matches one of the user's allowlist patterns as a whole (the pattern is anchored)
 *   and has no shell syntax at all (operators, redirections, substitutions, variables,
 *   globs, comments): then it runs as a plain argv, without a shell, so `npm test` can
 *   be allowlisted without `npm test; curl … | sh` being allowed along with it; or
 * - the user approved exactly this command line (once, or for the rest of the task):
 *   then it runs through `/bin/sh -c` as written, since that is what the user read.
 * Anything else asks, and without a way to ask it is denied with the reason.
 */
import { parse } from 'shell-quote';

export interface ParsedCommand {
  /** The words, when the line is a plain command without shell syntax. */
  argv?: string[];
  /** What shell syntax it has (`|`, `;`, `$VAR`, `*`…), for messages. */
  shellSyntax: string[];
}

export function parseCommand(line: string): ParsedCommand {
  const syntax = new Set<string>();
  let tokens: ReturnType<typeof parse>;
  try {
    tokens = parse(line, (name: string) => ({ op: `$${name}` }) as unknown as string);
  } catch {
    return { shellSyntax: ['unparseable quoting'] };
  }
  const argv: string[] = [];
  for (const t of tokens) {
    if (typeof t === 'string') argv.push(t);
    else if ('op' in t) syntax.add(t.op === 'glob' ? (t as { pattern: string }).pattern : String(t.op));
    else if ('comment' in t) syntax.add('#');
    else syntax.add('?');
  }
  // shell-quote leaves backticks and $( inside words; a shell would run them.
  if (/`|\$\(/.test(line)) syntax.add('command substitution');
  if (/\n|\r/.test(line)) syntax.add('newline');
  if (syntax.size > 0 || argv.length === 0) return { shellSyntax: [...syntax] };
  return { argv, shellSyntax: [] };
}

export class CommandAllowlist {
  private readonly patterns: RegExp[];

  /** Throws a SyntaxError naming the pattern when one does not compile. */
  constructor(sources: readonly string[]) {
    this.patterns = sources.map((src) => {
      try {
        return new RegExp(`^(?:${src})$`);
      } catch (err) {
        throw new SyntaxError(
          `The command allowlist pattern ${JSON.stringify(src)} is not a valid regular expression (${(err as Error).message}).`,
        );
      }
    });
  }

  /** The argv to run without asking, or undefined. */
  allows(line: string): string[] | undefined {
    const parsed = parseCommand(line);
    if (!parsed.argv) return undefined;
    const normalised = line.trim();
    return this.patterns.some((p) => p.test(normalised)) ? parsed.argv : undefined;
  }
}

export type CommandDecision =
  | { run: 'argv'; argv: string[]; why: 'allowlisted' }
  | { run: 'shell'; why: 'approved' }
  | { run: 'ask' }
  | { run: 'deny'; reason: string };

/** What the policy says before anyone is asked: allowlisted, approved earlier in the task, or ask. */
export function decideCommand(line: string, allowlist: CommandAllowlist, approvedForTask: ReadonlySet<string>): CommandDecision {
  const argv = allowlist.allows(line);
  if (argv) return { run: 'argv', argv, why: 'allowlisted' };
  if (approvedForTask.has(line)) return { run: 'shell', why: 'approved' };
  return { run: 'ask' };
}
