/** Shared pieces of the fault suite: params, error matching, RSS sampling, a tmpfs. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResponseError } from 'vscode-jsonrpc/node';
import type { InlineCompletionRequest, TandemErrorData } from '../../../protocol';

export const MODEL = 'qwen2.5-coder:1.5b-base';

export function completion(
  prefix = 'export function sum(a: number, b: number) {\n  ',
  extra: Partial<InlineCompletionRequest.Params> = {},
): InlineCompletionRequest.Params {
  return {
    document: { path: '/tmp/tandem-fault/sum.ts', languageId: 'typescript', prefix, suffix: '\n}\n', line: 1, character: 2 },
    ...extra,
  };
}

/** The JSON-RPC error a promise rejects with (fails if it resolves). */
export async function rpcError(p: Promise<unknown>): Promise<ResponseError<TandemErrorData>> {
  try {
    await p;
  } catch (err) {
    return err as ResponseError<TandemErrorData>;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

/** Resident set size of a process, MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Mount a tmpfs of `size` (e.g. "4m") at a fresh temp dir; undefined when not permitted. */
export function mountTmpfs(size: string): { dir: string; unmount(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    unmount: () => {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
