import assert from 'node:assert/strict';
import { goCompatible, goConstraint, goFileConstraint } from '../../../../daemon/context/go-build';

const HEAD = (expr: string) => `// Copyright.\n\n//go:build ${expr}\n\npackage json\n`;

describe('context/go-build: files of a package whose build constraints never hold together', () => {
  it("reads a file's //go:build line and its name's GOOS/GOARCH suffixes", () => {
    assert.deepEqual(goConstraint('codec/json/jsoniter.go', HEAD('jsoniter')), { tag: 'jsoniter' });
    assert.deepEqual(goConstraint('p/collector_windows.go', 'package p\n'), { tag: 'windows' });
    assert.deepEqual(goConstraint('p/num_linux_arm64_test.go', 'package p\n'), { and: [{ tag: 'arm64' }, { tag: 'linux' }] });
    assert.equal(goConstraint('p/collector.go', 'package p\n\n//go:build later\n'), undefined, 'only before the package clause');
    assert.equal(goConstraint('p/windows.go', 'package p\n'), undefined, 'a name that is only a GOOS constrains nothing');
  });

  it('tells constraints that can hold together from those that cannot', () => {
    const c = (path: string, expr?: string) => goConstraint(path, expr ? HEAD(expr) : 'package p\n')!;
    const std = c('json.go', '!jsoniter && !go_json && !(sonic && (linux || windows || darwin))');
    assert.equal(goCompatible(std, c('jsoniter.go', 'jsoniter')), false);
    assert.equal(goCompatible(std, c('sonic.go', 'sonic && (linux || windows || darwin)')), false);
    assert.equal(goCompatible(c('jsoniter.go', 'jsoniter'), c('extra.go', 'jsoniter || go_json')), true);
    // One GOOS at a time; unix is no Windows.
    assert.equal(goCompatible(c('a_linux.go'), c('b_darwin.go')), false);
    assert.equal(goCompatible(c('a_android.go'), c('b.go', 'linux')), true);
    assert.equal(goCompatible(c('a_android.go'), c('b.go', '!linux')), false);
    assert.equal(goCompatible(c('a_windows.go'), c('b.go', 'unix')), false);
    assert.equal(goCompatible(c('a_linux.go'), c('b.go', 'unix')), true);
    assert.equal(goCompatible(c('a.go', 'go1.20'), c('b.go', '!go1.20')), false);
  });

  it("reads an indexed file's constraint from its first chunk, once per index generation", () => {
    let reads = 0;
    const index = {
      store: {
        chunkIdsOf: () => [7, 3],
        chunks: (ids: number[]) => {
          reads++;
          return new Map(ids.map((id) => [id, { startLine: 1, text: HEAD('jsoniter') }]));
        },
      },
      syntax: { indexGeneration: () => 1 },
    };
    assert.deepEqual(goFileConstraint(index, 'codec/json/jsoniter.go'), { tag: 'jsoniter' });
    assert.deepEqual(goFileConstraint(index, 'codec/json/jsoniter.go'), { tag: 'jsoniter' });
    assert.equal(reads, 1);
  });
});
