/**
 * The answer to the daemon's `tandem/agent/diagnostics` (the agent's get_diagnostics
 * tool): the editor's problems of the files asked for, or of every file with problems,
 * confined to the workspace folders (a path outside, under `.git` or through a symlink
 * out of the workspace is left out) and bounded in size. Pure.
 */
import type { AgentDiagnosticsRequest, FixDiagnostic } from '../../protocol';

export const FILES_MAX = 200;
export const PER_FILE_MAX = 100;

export function confineDiagnostics(
  entries: ReadonlyArray<{ path: string; diagnostics: readonly FixDiagnostic[] }>,
  inWorkspace: (path: string) => boolean,
  paths?: readonly string[],
): AgentDiagnosticsRequest.Result {
  const wanted = paths ? new Set(paths) : undefined;
  const files: AgentDiagnosticsRequest.Result['files'] = [];
  for (const e of entries) {
    if (wanted && !wanted.has(e.path)) continue;
    if (!inWorkspace(e.path)) continue;
    if (!wanted && e.diagnostics.length === 0) continue;
    files.push({ path: e.path, diagnostics: e.diagnostics.slice(0, PER_FILE_MAX) });
    if (files.length >= FILES_MAX) break;
  }
  // A file asked for without problems is answered with none, so the model knows it is clean.
  for (const p of paths ?? [])
    if (!files.some((f) => f.path === p) && inWorkspace(p) && files.length < FILES_MAX) files.push({ path: p, diagnostics: [] });
  return { files };
}
