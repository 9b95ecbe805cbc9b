/**
 * The workspace agent tests work in: a git repository with a file to fix, a README, a
 * test script and an ignored folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUM = 'export function sum(a: number, b: number): number {\n  return a - b;\n}\n';

/** A workspace with a git repository, a file to fix, a README and a test script. */
export function makeWorkspace(home: string): string {
  const ws = join(home, 'ws');
  mkdirSync(join(ws, 'src'), { recursive: true });
  writeFileSync(join(ws, 'src', 'sum.ts'), SUM);
  writeFileSync(join(ws, 'README.md'), '# demo\n');
  writeFileSync(join(ws, 'test.js'), "console.log('2 tests passed');\n");
  writeFileSync(join(ws, '.gitignore'), 'ignored/\n');
  mkdirSync(join(ws, 'ignored'));
  writeFileSync(join(ws, 'ignored', 'secret.txt'), 'a - b in an ignored file\n');
  execFileSync('git', ['init', '-q'], { cwd: ws });
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.'], { cwd: ws });
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'first'], { cwd: ws });
  return realpathSync(ws);
}
