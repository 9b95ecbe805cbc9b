/**
 * Slash commands of the chat input: the strategies of shared/slash-commands.ts
 * (`/explain`, `/fix`, `/edit`, `/test`, `/agent`, which the daemon reads the same way)
 * plus the panel's own `/remember` (a project memory note). Parsed in the webview
 * (suggestions while typing; an unknown command or a missing text stays in the input
 * with a message) and again in the extension, which routes. Pure, browser-safe.
 */
import { MemoryKinds, type AgentStrategy, type MemoryKind } from '../../protocol';
import { slashCommands as strategyCommands } from '../../shared/slash-commands';

export type SlashCommandName = AgentStrategy | 'remember';

export interface SlashCommandInfo {
  name: SlashCommandName;
  /** What to type after it, shown in the suggestion. */
  args: string;
  summary: string;
  /** The command needs text after it (the strategies have a default task). */
  needsArgs: boolean;
}

export const slashCommands: readonly SlashCommandInfo[] = [
  ...strategyCommands.map((c) => ({ name: c.strategy, args: '[task]', summary: c.description, needsArgs: false })),
  {
    name: 'remember',
    args: '[kind:] <title>',
    summary: `Keep a project memory note (${MemoryKinds.join(', ')}).`,
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
  if (info.needsArgs && args === '') return { kind: 'invalid', message: `Type ${info.args} after /${info.name}: ${info.summary}` };
  return { kind: 'command', name: info.name, args };
}

/** Suggestions while the input is `/` plus the start of a command name (nothing else typed yet). */
export function slashSuggestions(text: string): SlashCommandInfo[] {
  const m = /^\/([A-Za-z-]*)$/.exec(text);
  if (!m) return [];
  const q = m[1]!.toLowerCase();
  return slashCommands.filter((c) => c.name.startsWith(q));
}

export const NoteKinds = MemoryKinds;
export type NoteKindName = MemoryKind;

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
