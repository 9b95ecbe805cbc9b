/**
 * VS Code glue of project memory: the Memory view (`tandem.memoryView`, notes grouped
 * by kind, archived ones last), each note opened as an editable Markdown document
 * (`tandem-memory:` file system: Save stores it, a note that cannot be stored says why
 * and keeps the text), and the commands to add, edit, delete and refresh. The document
 * format is memory-document.ts; the daemon calls are MemoryDaemon's.
 */
import * as vscode from 'vscode';
import { MemoryKinds, type MemoryKind, type MemoryNote } from '../../protocol';
import type { Logger } from '../log';
import type { MemoryDaemon } from './agent-daemon';
import { formatNoteDocument, newNoteDocument, parseNoteDocument } from './memory-document';

export const MEMORY_VIEW_ID = 'tandem.memoryView';
export const MEMORY_SCHEME = 'tandem-memory';

type Node =
  | { kind: 'group'; group: MemoryKind | 'archived'; notes: MemoryNote[] }
  | { kind: 'note'; note: MemoryNote }
  | { kind: 'message'; text: string };

const groupTitles: Record<MemoryKind | 'archived', string> = {
  decision: 'Decisions',
  constraint: 'Constraints',
  todo: 'To do',
  glossary: 'Glossary',
  link: 'Links',
  archived: 'Archived (not sent to models)',
};

const kindIcons: Record<MemoryKind, string> = {
  decision: 'law',
  constraint: 'lock',
  todo: 'checklist',
  glossary: 'book',
  link: 'link',
};

export class MemoryTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  notes: MemoryNote[] = [];
  private error: string | undefined;

  constructor(
    private readonly daemon: MemoryDaemon,
    private readonly workspace: () => string,
    private readonly log: Logger,
  ) {}

  async refresh(): Promise<void> {
    if (!this.daemon.connected()) {
      this.error = 'Not connected to tandemd yet.';
      this.changed.fire(undefined);
      return;
    }
    try {
      const r = await this.daemon.list({ workspace: this.workspace(), includeArchived: true, limit: 1000 });
      this.notes = r.notes;
      this.error = undefined;
    } catch (err) {
      this.error = `Could not list the notes: ${(err as Error).message}`;
      this.log.warn(`memory: ${this.error}`);
    }
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'group') return node.notes.map((note) => ({ kind: 'note', note }));
    if (node) return [];
    if (this.error) return [{ kind: 'message', text: this.error }];
    const groups: Node[] = [];
    for (const kind of MemoryKinds) {
      const notes = this.notes.filter((n) => n.kind === kind && !n.archived);
      if (notes.length > 0) groups.push({ kind: 'group', group: kind, notes });
    }
    const archived = this.notes.filter((n) => n.archived);
    if (archived.length > 0) groups.push({ kind: 'group', group: 'archived', notes: archived });
    return groups;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'message') return new vscode.TreeItem(node.text);
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(`${groupTitles[node.group]} (${node.notes.length})`, vscode.TreeItemCollapsibleState.Expanded);
      item.contextValue = 'memoryGroup';
      return item;
    }
    const n = node.note;
    const item = new vscode.TreeItem(n.title);
    item.id = n.id;
    item.description = [n.tags.map((t) => `#${t}`).join(' '), n.source === 'agent' ? 'by the agent' : ''].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString().appendText(`${n.kind}: ${n.title}\n\n${n.body}`);
    item.iconPath = new vscode.ThemeIcon(n.archived ? 'archive' : kindIcons[n.kind]);
    item.contextValue = 'memoryNote';
    item.command = { command: 'tandem.memory.edit', title: 'Edit Note', arguments: [n.id] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The note id of a `tandem-memory:/<id>.md` document; `new` for a note not stored yet. */
function noteIdOf(uri: vscode.Uri): string {
  return uri.path.replace(/^\//, '').replace(/\.md$/, '');
}

/**
 * Notes as documents. Reading asks the daemon; writing parses the front matter and adds
 * or updates the note, or throws a FileSystemError saying what is wrong (VS Code shows
 * it and the document stays dirty, so nothing typed is lost).
 */
export class MemoryFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Text of new notes not saved yet, by id (`new-…`). */
  private readonly drafts = new Map<string, string>();

  constructor(
    private readonly daemon: MemoryDaemon,
    private readonly tree: MemoryTree,
    private readonly workspace: () => string,
  ) {}

  draft(kind: MemoryKind = 'decision', title = '', body = ''): vscode.Uri {
    const id = `new-${Date.now().toString(36)}`;
    this.drafts.set(id, newNoteDocument(kind, title, body));
    return vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${id}.md` });
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    return { type: vscode.FileType.File, ctime: 0, mtime: Date.now(), size: this.text(uri).length };
  }

  private text(uri: vscode.Uri): string {
    const id = noteIdOf(uri);
    const draft = this.drafts.get(id);
    if (draft !== undefined) return draft;
    const note = this.tree.notes.find((n) => n.id === id);
    if (!note) throw vscode.FileSystemError.FileNotFound(uri);
    return formatNoteDocument(note);
  }

  readFile(uri: vscode.Uri): Uint8Array {
    return Buffer.from(this.text(uri), 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const parsed = parseNoteDocument(Buffer.from(content).toString('utf8'));
    if (!parsed.ok) throw vscode.FileSystemError.NoPermissions(`The note was not saved: ${parsed.error}`);
    const id = noteIdOf(uri);
    try {
      if (this.drafts.has(id)) {
        await this.daemon.add({ workspace: this.workspace(), ...parsed.note });
        // A saved draft stays as it is on screen; it is a stored note now (the view lists it).
        this.drafts.set(id, formatNoteDocument(parsed.note));
      } else {
        await this.daemon.update({ id, ...parsed.note });
      }
    } catch (err) {
      throw vscode.FileSystemError.Unavailable(`The note was not saved: ${(err as Error).message}`);
    }
    await this.tree.refresh();
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('Memory notes have no folders.');
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Delete a note from the Memory view.');
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('Change a note’s title in its document.');
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** The Memory view, its documents and commands. */
export function registerMemory(
  daemon: MemoryDaemon,
  workspace: () => string,
  log: Logger,
): { disposable: vscode.Disposable; add(): Promise<void>; show(): Promise<void> } {
  const tree = new MemoryTree(daemon, workspace, log);
  const fs = new MemoryFileSystem(daemon, tree, workspace);
  const open = async (uri: vscode.Uri) => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: false });
  };
  const add = async () => {
    const kind = await vscode.window.showQuickPick(
      MemoryKinds.map((k) => ({ label: k, description: groupTitles[k] })),
      { title: 'Tandem: Add Memory Note', placeHolder: 'What kind of note?' },
    );
    if (!kind) return;
    await open(fs.draft(kind.label));
  };
  const note = (arg: unknown): MemoryNote | undefined => {
    const id = typeof arg === 'string' ? arg : (arg as { note?: MemoryNote } | undefined)?.note?.id;
    return tree.notes.find((n) => n.id === id);
  };
  const disposable = vscode.Disposable.from(
    tree,
    fs,
    vscode.window.registerTreeDataProvider(MEMORY_VIEW_ID, tree),
    vscode.workspace.registerFileSystemProvider(MEMORY_SCHEME, fs, { isCaseSensitive: true }),
    vscode.commands.registerCommand('tandem.memory.edit', async (arg: unknown) => {
      const n = note(arg);
      if (n) await open(vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${n.id}.md` }));
    }),
    vscode.commands.registerCommand('tandem.memory.delete', async (arg: unknown) => {
      const n = note(arg);
      if (!n) return;
      const ok = await vscode.window.showWarningMessage(`Delete the note “${n.title}”?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      await daemon.delete(n.id);
      await tree.refresh();
    }),
    vscode.commands.registerCommand('tandem.memory.refresh', () => tree.refresh()),
    daemon.onChanged(() => void tree.refresh()),
    daemon.onConnected(() => void tree.refresh()),
  );
  void tree.refresh();
  return { disposable, add, show: async () => void (await vscode.commands.executeCommand(`${MEMORY_VIEW_ID}.focus`)) };
}
