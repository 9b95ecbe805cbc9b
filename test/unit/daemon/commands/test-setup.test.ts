import assert from 'node:assert/strict';
import { detectTestSetup, importHint, nearestTest, testNameOf, type SetupFs } from '../../../../daemon/commands/test-setup';

/** A file system of the given files (root-absolute paths → text). */
function memFs(files: Record<string, string>): SetupFs {
  return {
    isFile: (p) => p in files,
    read: (p) => files[p],
    list: (dir) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = new Set<string>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(prefix)) continue;
        const rest = f.slice(prefix.length);
        names.add(rest.includes('/') ? `${rest.split('/')[0]}/` : rest);
      }
      return [...names];
    },
  };
}

const R = '/ws';

describe('test setup detection', () => {
  it('reads test file names', () => {
    assert.deepEqual(testNameOf('sum.test.ts'), { base: 'sum', style: '.test' });
    assert.deepEqual(testNameOf('test_area.py'), { base: 'area', style: 'test_' });
    assert.deepEqual(testNameOf('CartTest.java'), { base: 'Cart', style: 'Test' });
    assert.equal(testNameOf('sum.ts'), undefined);
  });

  it('follows a mirror tree (test/unit/x/y.test.ts for x/y.ts) and the framework in package.json', () => {
    const fs = memFs({
      [`${R}/package.json`]: JSON.stringify({ devDependencies: { mocha: '^10' } }),
      [`${R}/daemon/a/b.ts`]: '',
      [`${R}/test/unit/daemon/a/b.test.ts`]: '',
      [`${R}/daemon/c/d.ts`]: '',
    });
    const s = detectTestSetup(R, `${R}/daemon/c/d.ts`, 'typescript', fs);
    assert.equal(s.framework, 'mocha');
    assert.equal(s.relativeTestPath, 'test/unit/daemon/c/d.test.ts');
    assert.equal(s.exists, false);
    assert.match(s.evidence.join(' '), /package\.json depends on mocha.*under test\/unit\/, mirroring the sources/);
  });

  it('mirrors src/ into test/ without its first folder, with the .spec suffix the tests use', () => {
    const fs = memFs({
      [`${R}/package.json`]: JSON.stringify({ devDependencies: { vitest: '^1' } }),
      [`${R}/src/util/strings.ts`]: '',
      [`${R}/test/util/strings.spec.ts`]: '',
      [`${R}/src/math/sum.ts`]: '',
    });
    const s = detectTestSetup(R, `${R}/src/math/sum.ts`, 'typescript', fs);
    assert.equal(s.framework, 'vitest');
    assert.equal(s.relativeTestPath, 'test/math/sum.spec.ts');
  });

  it('puts the test next to the source when the tests are colocated, and finds an existing one', () => {
    const fs = memFs({
      [`${R}/package.json`]: JSON.stringify({ devDependencies: { jest: '^29' } }),
      [`${R}/src/a.ts`]: '',
      [`${R}/src/a.test.ts`]: '',
      [`${R}/src/b.ts`]: '',
    });
    assert.equal(detectTestSetup(R, `${R}/src/b.ts`, 'typescript', fs).relativeTestPath, 'src/b.test.ts');
    const own = detectTestSetup(R, `${R}/src/a.ts`, 'typescript', fs);
    assert.equal(own.relativeTestPath, 'src/a.test.ts');
    assert.equal(own.exists, true);
  });

  it('uses node:test without a framework, and the language convention without tests', () => {
    const fs = memFs({ [`${R}/package.json`]: JSON.stringify({ scripts: { test: 'node --test' } }), [`${R}/lib/x.js`]: '' });
    const s = detectTestSetup(R, `${R}/lib/x.js`, 'javascript', fs);
    assert.equal(s.framework, 'node:test');
    assert.equal(s.relativeTestPath, 'lib/x.test.js');
  });

  it('detects pytest from pyproject.toml and follows tests/test_*.py', () => {
    const fs = memFs({
      [`${R}/pyproject.toml`]: '[tool.pytest.ini_options]\naddopts = "-q"\n',
      [`${R}/pkg/inventory.py`]: '',
      [`${R}/pkg/orders.py`]: '',
      [`${R}/tests/test_orders.py`]: '',
    });
    const s = detectTestSetup(R, `${R}/pkg/inventory.py`, 'python', fs);
    assert.equal(s.framework, 'pytest');
    assert.equal(s.relativeTestPath, 'tests/test_inventory.py');
    assert.equal(importHint(`${R}/tests/test_inventory.py`, `${R}/pkg/inventory.py`, 'python', R), 'pkg.inventory');
  });

  it('puts Go tests next to the source and Rust tests in the source file', () => {
    const fs = memFs({ [`${R}/go.mod`]: 'module x', [`${R}/calc/add.go`]: '' });
    const go = detectTestSetup(R, `${R}/calc/add.go`, 'go', fs);
    assert.deepEqual([go.framework, go.relativeTestPath], ['go test', 'calc/add_test.go']);
    const rs = detectTestSetup(R, `${R}/src/lib.rs`, 'rust', memFs({ [`${R}/Cargo.toml`]: '' }));
    assert.deepEqual([rs.framework, rs.relativeTestPath, rs.exists], ['cargo test', 'src/lib.rs', true]);
  });

  it('gives a relative import path and the nearest existing test as an example', () => {
    assert.equal(importHint(`${R}/test/unit/c/d.test.ts`, `${R}/c/d.ts`, 'typescript', R), '../../../c/d');
    assert.equal(importHint(`${R}/src/b.test.ts`, `${R}/src/b.ts`, 'typescript', R), './b');
    const fs = memFs({ [`${R}/test/unit/a/x.test.ts`]: '', [`${R}/test/other/y.test.ts`]: '' });
    assert.equal(nearestTest(R, `${R}/test/unit/a/z.test.ts`, 'typescript', fs), `${R}/test/unit/a/x.test.ts`);
  });
});
