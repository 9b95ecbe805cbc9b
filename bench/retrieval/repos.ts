/**
 * The pinned repositories of the retrieval benchmark (bench/retrieval-repos.json) and
 * their extraction into a cache outside the repository: `git archive <commit>` of a
 * local git mirror, unpacked once into `<cache>/<name>@<commit[0..12]>/` and marked
 * complete, so later runs reuse it. Nothing is ever extracted into this repository.
 *
 *   cache:   $TANDEM_BENCH_CACHE, default ~/.cache/tandem-bench/repos
 *   mirrors: $TANDEM_BENCH_MIRRORS, default /work/.mirror; a `github:owner/name` source is
 *            read from `<mirrors>/owner+name/repo` (a git directory, bare or not)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const BenchLanguage = z.enum(['typescript', 'python', 'go', 'rust', 'java']);
export type BenchLanguage = z.infer<typeof BenchLanguage>;

const RepoEntry = z.object({
  name: z.string().regex(/^[\w.-]+$/),
  source: z.string().regex(/^github:[\w.-]+\/[\w.-]+$/, 'source must be github:owner/name'),
  commit: z.string().regex(/^[0-9a-f]{40}$/, 'commit must be a full 40-digit sha'),
  language: BenchLanguage,
  split: z.enum(['dev', 'heldout']),
  exclude: z.array(z.string()).optional(),
});
export type RepoEntry = z.infer<typeof RepoEntry>;

const RepoList = z.object({ repos: z.array(RepoEntry).min(1) });

export function readRepoList(file: string): RepoEntry[] {
  const parsed = RepoList.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.repos;
}

export function cacheDir(): string {
  return resolve(process.env.TANDEM_BENCH_CACHE ?? join(homedir(), '.cache', 'tandem-bench', 'repos'));
}

function mirrorDir(): string {
  return resolve(process.env.TANDEM_BENCH_MIRRORS ?? '/work/.mirror');
}

/** The git directory holding a source, or undefined. */
function gitDirOf(source: string): string | undefined {
  const [owner, name] = source.slice('github:'.length).split('/');
  for (const cand of [
    join(mirrorDir(), `${owner}+${name}`, 'repo'),
    join(mirrorDir(), `${owner}+${name}`),
    join(mirrorDir(), owner, `${name}.git`),
  ]) {
    if (existsSync(cand) && spawnSync('git', ['--git-dir', cand, 'rev-parse', '--git-dir'], { stdio: 'ignore' }).status === 0) return cand;
  }
  return undefined;
}

export type Extracted = { ok: true; dir: string } | { ok: false; reason: string };

/** What to do when a source is not available, in a sentence or two. */
function missingHelp(repo: RepoEntry, what: string): string {
  return (
    `${repo.name} (${repo.source} at ${repo.commit.slice(0, 12)}): ${what}. ` +
    `Put a git clone or mirror of it that has this commit at ${join(mirrorDir(), repo.source.slice(7).replace('/', '+'), 'repo')} ` +
    `(or point TANDEM_BENCH_MIRRORS at a folder laid out as owner+name/repo), or leave it out with --repos.`
  );
}

/** Extract a repository at its pinned commit into the cache (once). */
export function extract(repo: RepoEntry): Extracted {
  const dir = join(cacheDir(), `${repo.name}@${repo.commit.slice(0, 12)}`);
  if (existsSync(join(dir, '.tandem-bench-complete'))) return { ok: true, dir };
  const gitDir = gitDirOf(repo.source);
  if (!gitDir) return { ok: false, reason: missingHelp(repo, `no git mirror found under ${mirrorDir()}`) };
  if (spawnSync('git', ['--git-dir', gitDir, 'cat-file', '-e', `${repo.commit}^{commit}`], { stdio: 'ignore' }).status !== 0)
    return { ok: false, reason: missingHelp(repo, `the mirror at ${gitDir} does not have the pinned commit`) };
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const tar = execFileSync('git', ['--git-dir', gitDir, 'archive', '--format=tar', repo.commit], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
    // The repository's own exclusions (generated tables) become a .tandemignore the engine honours.
    if (repo.exclude?.length) writeFileSync(join(tmp, '.tandemignore'), `${repo.exclude.join('\n')}\n`);
    writeFileSync(join(tmp, '.tandem-bench-complete'), `${repo.source} ${repo.commit}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    return { ok: false, reason: missingHelp(repo, `extraction failed (${(err as Error).message})`) };
  }
  return { ok: true, dir };
}

/** Go module paths and Rust crate names declared in an extracted repository. */
export function repoModules(dir: string): { goModules: string[]; crates: string[] } {
  const goModules: string[] = [];
  const crates: string[] = [];
  const visit = (rel: string, depth: number) => {
    if (depth > 6) return;
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!/^(\.git|node_modules|target|vendor|testdata)$/.test(e.name)) visit(r, depth + 1);
      } else if (e.name === 'go.mod') {
        const m = /^module\s+(\S+)/m.exec(readFileSync(join(dir, r), 'utf8'));
        if (m) goModules.push(m[1]);
      } else if (e.name === 'Cargo.toml') {
        const m = /\[package\][^[]*?^name\s*=\s*"([^"]+)"/ms.exec(readFileSync(join(dir, r), 'utf8'));
        if (m) crates.push(m[1].replace(/-/g, '_'));
      }
    }
  };
  visit('', 0);
  return { goModules: goModules.sort(), crates: crates.sort() };
}
