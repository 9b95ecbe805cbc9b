/**
 * Slash commands of the chat input: `/explain`, `/fix`, `/edit`, `/test`, `/agent` and
 * `/remember`, each routed by the extension to its strategy (a chat turn, auto-fix, the
 * multi-file edit, an agent task, a memory note). Parsed in the webview (suggestions
 * while typing, an unknown command stays in the input with a message) and again in the
 * extension (which routes). Pure, browser-safe.
 */

export const SlashCommandNames = ['explain', 'fix', 'edit', 'test', 'agent', 'remember'] as const;
export type SlashCommandName = (typeof SlashCommandNames)[number];

export interface SlashCommandInfo {
  name: SlashCommandName;
  /** What to type after it, shown in the suggestion. */
  args: string;
  summary: string;
  /** The command needs text after it. */
  needsArgs: boolean;
}

export const slashCommands: readonly SlashCommandInfo[] = [
  { name: 'explain', args: '[question]', summary: 'explain the selection or the active file', needsArgs: false },
  { name: 'fix', args: '', summary: 'fix the problems at the cursor (or in the file)', needsArgs: false },
  { name: 'edit', args: '<change>', summary: 'plan and preview an edit across files', needsArgs: true },
  { name: 'test', args: '[what to test]', summary: 'an agent task: write tests for the selection or file and run them', needsArgs: false },
  { name: 'agent', args: '<task>', summary: 'run an agent task: it reads, edits and runs commands with your approval', needsArgs: true },
  {
    name: 'remember',
    args: '[kind:] <title>',
    summary: 'keep a project memory note (decision, constraint, todo, glossary, link)',
    needsArgs: true,
  },
];

export type SlashParse =
  /** Not a slash command: an ordinary question. */
  | { kind: 'none' }
  | { kind: 'command'; name: SlashCommandName; args: string }
  /** Looks like a command but is not one, or lacks its text: shown, the input kept. */
  | { kind: 'invalid'; message: string };

const SLASH = /^\/([A-Za-z][\w-]*)(?=\s|$)/;

/** The slash command at the start of `text`, if any. `/usr/bin/env` is a path, not a command. */
export function parseSlashCommand(text: string): SlashParse {
  const trimmed = text.replace(/^\s+/, '');
  const m = SLASH.exec(trimmed);
  if (!m) return { kind: 'none' };
  const name = m[1]!.toLowerCase();
  const info = slashCommands.find((c) => c.name === name);
  if (!info) {
    return { kind: 'invalid', message: `Unknown command /${m[1]}. Try ${slashCommands.map((c) => `/${c.name}`).join(', ')}.` };
  }
  const args = trimmed.slice(m[0].length).trim();
  if (info.needsArgs && args === '') return { kind: 'invalid', message: `Type ${info.args} after /${info.name}: ${info.summary}.` };
  return { kind: 'command', name: info.name, args };
}

/** Suggestions while the input is `/` plus the start of a command name (nothing else typed yet). */
export function slashSuggestions(text: string): SlashCommandInfo[] {
  const m = /^\/([A-Za-z-]*)$/.exec(text);
  if (!m) return [];
  const q = m[1]!.toLowerCase();
  return slashCommands.filter((c) => c.name.startsWith(q));
}

export const NoteKinds = ['decision', 'constraint', 'todo', 'glossary', 'link'] as const;
export type NoteKindName = (typeof NoteKinds)[number];

/**
 * `/remember [kind:] title` then, on the next lines, the body: `kind` defaults to
 * `decision`; tags are `#words` at the end of the title line.
 */
export function parseRememberArgs(args: string): { kind: NoteKindName; title: string; body: string; tags: string[] } | { error: string } {
  const [first = '', ...rest] = args.split('\n');
  let line = first.trim();
  let kind: NoteKindName = 'decision';
  const k = /^([a-z]+):\s*/i.exec(line);
  if (k && (NoteKinds as readonly string[]).includes(k[1]!.toLowerCase())) {
    kind = k[1]!.toLowerCase() as NoteKindName;
    line = line.slice(k[0].length);
  }
  const tags: string[] = [];
  const TAG = /(?:^|\s+)#([\w.-]+)$/;
  for (let t = TAG.exec(line); t; t = TAG.exec(line)) {
    tags.unshift(t[1]!);
    line = line.slice(0, t.index);
  }
  const title = line.trim();
  if (title === '') return { error: 'Give the note a title: /remember decision: Use zod for every request schema' };
  return { kind, title, body: rest.join('\n').trim(), tags };
}
