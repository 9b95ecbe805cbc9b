// Types of sqlite-addon.cjs (plain JavaScript so that quickstart runs on any Node without a build step).
export interface Probe {
  ok: boolean;
  error?: string;
}
export interface RebuildRequest {
  root: string;
  execPath: string;
  env: Record<string, string | undefined>;
  /** The running Node's own install prefix when it carries its headers. */
  nodedir?: string;
}
export function probeAddon(node: string, cwd: string): Probe;
export function headersPrefix(execPath: string): string | undefined;
export function headersVersion(nodedir: string): string | undefined;
export function abiMismatch(error: string): { built: number; running: number } | undefined;
export function ensureSqliteAddon(opts: {
  root: string;
  say: (line: string) => void;
  execPath?: string;
  env?: Record<string, string | undefined>;
  /** Runs the rebuild; returns its exit status. */
  rebuild?: (req: RebuildRequest) => number;
}): boolean;
