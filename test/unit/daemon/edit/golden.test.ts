/**
 * Golden tests of the edit pipeline (parse → resolve paths → locate → changes) over
 * test/fixtures/edit/<case>/: `before/` is copied into a temporary workspace, the
 * model's `answer.md` is parsed and turned into changes, and the result must equal
 * `after/` (only files there may change) with exactly the refusals in `case.json`.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import type { FileChange } from '../../../../protocol';
import { applyTextEdits } from '../../../../daemon/edit/apply';
import { changesFromAnswer } from '../../../../daemon/edit/changes';
import { parseEditResponse } from '../../../../daemon/edit/format';
import { contentHash } from '../../../../shared/hash';

const FIXTURES = join(__dirname, '../../../fixtures/edit');

interface CaseSpec {
  defaultPath: string;
  anyPath?: boolean;
  allowCreate?: boolean;
  partial?: boolean;
  acceptWholeFile?: boolean;
  gitDir?: boolean;
  linkOut?: string;
  prose?: string;
  rejected: Array<{ kind: string; path?: string; reason: string }>;
}

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [relative(base, full).split('\\').join('/')];
  });
}

function readOrUndefined(p: string): string | undefined {
  try {
    return statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

describe('edit pipeline golden cases', () => {
  const cases = readdirSync(FIXTURES)
    .filter((c) => existsSync(join(FIXTURES, c, 'case.json')))
    .sort();

  it('has the required kinds of cases', () => {
    for (const name of ['exact', 'whitespace-drift', 'multiple-blocks', 'ambiguous', 'malformed', 'hostile-paths', 'unified-diff']) {
      assert.ok(cases.includes(name), `missing golden case ${name}`);
    }
  });

  for (const name of cases) {
    it(name, () => {
      const dir = join(FIXTURES, name);
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseSpec;
      const tmp = realpathSync(mkdtempSync(join(tmpdir(), `tandem-golden-${name}-`)));
      try {
        const ws = join(tmp, 'ws');
        mkdirSync(ws);
        cpSync(join(dir, 'before'), ws, { recursive: true });
        writeFileSync(join(tmp, 'outside.txt'), 'secret\n');
        if (spec.gitDir) {
          mkdirSync(join(ws, '.git'));
          writeFileSync(join(ws, '.git', 'config'), '[core]\n');
        }
        if (spec.linkOut) {
          mkdirSync(join(tmp, 'outside-dir'));
          writeFileSync(join(tmp, 'outside-dir', 'secret.txt'), 'secret\n');
          symlinkSync(join(tmp, 'outside-dir'), join(ws, spec.linkOut));
        }
        const defaultPath = join(ws, spec.defaultPath);
        const parsed = parseEditResponse(readFileSync(join(dir, 'answer.md'), 'utf8'));
        const result = changesFromAnswer(parsed, {
          roots: [ws],
          defaultPath,
          allowedPaths: spec.anyPath ? undefined : [defaultPath],
          allowCreate: spec.allowCreate,
          partial: spec.partial,
          acceptWholeFile: spec.acceptWholeFile,
          readText: (p) => readOrUndefined(p),
        });

        // Refusals: exactly the expected ones, in order.
        const shown = (p?: string) => (p !== undefined && isAbsolute(p) && p.startsWith(ws) ? relative(ws, p) : p);
        const actual = result.rejected.map((r) => ({ kind: r.kind, path: shown(r.path), reason: r.reason }));
        assert.equal(actual.length, spec.rejected.length, `refusals: ${JSON.stringify(actual, null, 2)}`);
        spec.rejected.forEach((want, k) => {
          assert.equal(actual[k]!.kind, want.kind, JSON.stringify(actual[k]));
          if (want.path !== undefined) assert.equal(actual[k]!.path, want.path);
          assert.match(actual[k]!.reason, new RegExp(want.reason));
        });
        if (spec.prose !== undefined) assert.equal(parsed.prose, spec.prose);

        // Changes: applied in memory, they must produce after/ exactly.
        const expected = listFiles(join(dir, 'after'));
        const produced = new Map<string, string>();
        for (const change of result.changes as FileChange[]) {
          const rel = relative(ws, change.path).split('\\').join('/');
          if (change.kind === 'modify') {
            const before = readFileSync(change.path, 'utf8');
            assert.equal(change.baseHash, contentHash(before), `baseHash of ${rel}`);
            produced.set(rel, applyTextEdits(before, change.edits));
          } else if (change.kind === 'create') {
            produced.set(rel, change.text);
          } else {
            assert.fail(`unexpected ${change.kind} of ${rel}`);
          }
        }
        assert.deepEqual([...produced.keys()].sort(), expected.sort(), 'changed files');
        for (const rel of expected) {
          assert.equal(produced.get(rel), readFileSync(join(dir, 'after', rel), 'utf8'), `content of ${rel}`);
        }
        // Nothing was written: the pipeline only proposes.
        for (const rel of listFiles(join(dir, 'before'))) {
          assert.equal(readFileSync(join(ws, rel), 'utf8'), readFileSync(join(dir, 'before', rel), 'utf8'));
        }
        assert.equal(readFileSync(join(tmp, 'outside.txt'), 'utf8'), 'secret\n');
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
