/**
 * The VS Code Git extension (`vscode.git`, API version 1) as the commit message flow
 * needs it: the repositories, their staged and working diffs, the last subjects, the
 * Source Control input box and HEAD. Only the few members used are typed here.
 */
import * as vscode from 'vscode';
import type { CommitRepo } from './commit-flow';

interface GitChange {
  readonly uri: vscode.Uri;
}

interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  readonly state: {
    readonly HEAD: { readonly name?: string; readonly commit?: string } | undefined;
    readonly indexChanges: readonly GitChange[];
    readonly workingTreeChanges: readonly GitChange[];
    readonly onDidChange: vscode.Event<void>;
  };
  status(): Promise<void>;
  diff(cached?: boolean): Promise<string>;
  log(options?: { maxEntries?: number }): Promise<ReadonlyArray<{ readonly hash: string; readonly message: string }>>;
  getCommit(ref: string): Promise<{ readonly hash: string; readonly message: string }>;
}

interface GitApi {
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The Git API, or the reason it is not available (a sentence for the user). */
export async function gitApi(): Promise<GitApi | string> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return 'the built-in Git extension is not installed.';
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports.enabled) return 'Git is disabled (the "git.enabled" setting).';
  return exports.getAPI(1);
}

/** The repository a command is about: the one of the Source Control view's button, of the active editor, or the only one. */
export function pickRepository(api: GitApi, arg: unknown): GitRepository | undefined | 'choose' {
  const rootUri = (arg as { rootUri?: unknown } | undefined)?.rootUri;
  if (rootUri instanceof vscode.Uri) {
    const byRoot = api.repositories.find((r) => r.rootUri.toString() === rootUri.toString());
    if (byRoot) return byRoot;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active) {
    const own = api.getRepository(active);
    if (own) return own;
  }
  if (api.repositories.length <= 1) return api.repositories[0];
  return 'choose';
}

export async function chooseRepository(api: GitApi): Promise<GitRepository | undefined> {
  const picked = await vscode.window.showQuickPick(
    api.repositories.map((r) => ({ label: vscode.workspace.asRelativePath(r.rootUri, false) || r.rootUri.fsPath, repo: r })),
    { title: 'Tandem: commit message for which repository?' },
  );
  return picked?.repo;
}

export function commitRepo(repo: GitRepository): CommitRepo {
  return {
    root: repo.rootUri.fsPath,
    refresh: () => repo.status(),
    stagedCount: () => repo.state.indexChanges.length,
    changedCount: () => repo.state.workingTreeChanges.length,
    diff: (staged) => repo.diff(staged),
    recentSubjects: async (max) => (await repo.log({ maxEntries: max })).map((c) => c.message.split('\n')[0]!),
    branch: () => repo.state.HEAD?.name,
    input: { get: () => repo.inputBox.value, set: (value) => (repo.inputBox.value = value) },
    head: () => repo.state.HEAD?.commit,
    headMessage: async () => {
      const head = repo.state.HEAD?.commit;
      return head ? (await repo.getCommit(head)).message : undefined;
    },
    onDidChange: (listener) => repo.state.onDidChange(listener),
  };
}
