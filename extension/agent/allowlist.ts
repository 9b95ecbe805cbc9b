/**
 * The command allowlist of `tandem.agent.allowedCommands`: which `run_command` calls
 * the agent may run without asking. Pure.
 *
 * An entry is either
 * - a command prefix of whole words (`npm test`, `git status`, `cargo check`): it allows
 *   exactly that command or that command followed by more arguments (`npm test -- -g x`),
 *   but never a command line with shell control characters (`;`, `&`, `|`, backquote,
 *   `$(`, `>`, `<`, a newline), so `npm test && curl … | sh` always asks;
 * - or a regular expression between slashes (`/^npm run (lint|test)$/`), matched against
 *   the whole command line (anchors are implicit: it must match all of it); shell
 *   control characters are refused here too.
 *
 * Anything the user must look at, the allowlist never lets through: an entry that does
 * not parse as a regular expression allows nothing and is reported once.
 */

export interface AllowlistEntry {
  /** The entry as the user wrote it. */
  source: string;
  /** The same rule as a regular expression over the whole command line (what the daemon's run takes). */
  regex: string;
  matches(command: string): boolean;
}

export interface Allowlist {
  entries: AllowlistEntry[];
  /** Entries that allow nothing, with the reason (shown once in the log). */
  invalid: Array<{ source: string; reason: string }>;
}

/** Characters that let one command line run another or redirect output. */
const SHELL_CONTROL = /[;&|`<>\n\r]|\$\(/;

/** True when the command line could chain, substitute or redirect (never auto-allowed). */
export function hasShellControl(command: string): boolean {
  return SHELL_CONTROL.test(command);
}

function normalizeSpaces(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

function prefixEntry(source: string): AllowlistEntry {
  const prefix = normalizeSpaces(source);
  const words = prefix.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return {
    source,
    regex: `\\s*${words.join('\\s+')}(?:\\s+[^\\n]*)?\\s*`,
    matches: (command) => {
      const c = normalizeSpaces(command);
      return c === prefix || c.startsWith(`${prefix} `);
    },
  };
}

function regexEntry(source: string, body: string): AllowlistEntry | { reason: string } {
  try {
    const re = new RegExp(`^(?:${body})$`);
    return { source, regex: body, matches: (command) => re.test(command.trim()) };
  } catch (err) {
    return { reason: `not a valid regular expression (${(err as Error).message})` };
  }
}

/** Parse the setting's value (anything: it comes from settings.json). */
export function parseAllowlist(value: unknown): Allowlist {
  const entries: AllowlistEntry[] = [];
  const invalid: Allowlist['invalid'] = [];
  if (!Array.isArray(value)) return { entries, invalid };
  for (const raw of value) {
    if (typeof raw !== 'string' || raw.trim() === '') {
      invalid.push({ source: String(raw), reason: 'not a non-empty string' });
      continue;
    }
    const source = raw.trim();
    if (source.length > 2 && source.startsWith('/') && source.endsWith('/')) {
      const entry = regexEntry(source, source.slice(1, -1));
      if ('reason' in entry) invalid.push({ source, reason: entry.reason });
      else entries.push(entry);
      continue;
    }
    if (hasShellControl(source)) {
      invalid.push({ source, reason: 'holds shell control characters; allow the single commands instead' });
      continue;
    }
    entries.push(prefixEntry(source));
  }
  return { entries, invalid };
}

/** The entry that allows `command`, or undefined when the user must be asked. */
export function allowedBy(list: Allowlist, command: string): AllowlistEntry | undefined {
  if (command.trim() === '' || hasShellControl(command)) return undefined;
  return list.entries.find((e) => e.matches(command));
}
