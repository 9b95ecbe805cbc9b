import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TandemError, ErrorCodes } from '../../../../protocol';
import { storageFailure } from '../../../../daemon/cli/doctor-command';
import { currentRuntimeFacts, diagnoseNativeLoad, type RuntimeFacts } from '../../../../daemon/storage/native-load';

/** Node's own words when an addon of another ABI is loaded (Node 22 loading a Node 24 build). */
const abiError = Object.assign(
  new Error(
    "The module '/ext/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 137. This version of Node.js requires\nNODE_MODULE_VERSION 127. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
  ),
  { code: 'ERR_DLOPEN_FAILED' },
);

const onNode22: RuntimeFacts = { execPath: '/opt/node22/bin/node', node: 'v22.23.5', modules: '127', platform: 'linux', arch: 'x64' };
const vsix = { path: '/ext/runtime/bin/node', node: '24.22.3', modules: '137', glibc: '2.34' };

describe('native module load failures', () => {
  it('names an ABI mismatch: what the addon was built for, which runtime ran it, and to use the bundled runtime', () => {
    const d = diagnoseNativeLoad(abiError, { ...onNode22, bundled: vsix });
    assert.ok(d);
    assert.match(d.cause, /better_sqlite3\.node was built for another Node\.js ABI \(NODE_MODULE_VERSION 137, i\.e\. Node 24\)/);
    assert.match(d.cause, /runs on \/opt\/node22\/bin\/node \(Node v22\.23\.5, NODE_MODULE_VERSION 127\)/);
    assert.match(d.fix, /comes with Tandem \(Node 24\.22\.3, \/ext\/runtime\/bin\/node\): clear the "tandem\.daemon\.nodePath" setting/);
    assert.doesNotMatch(`${d.cause} ${d.fix}`, /writable/);
  });

  it('finds the cause inside the error that wraps it, and advises a clone to rebuild', () => {
    const wrapped = new TandemError(ErrorCodes.StorageError, 'SQLite cannot start', { cause: abiError });
    const d = diagnoseNativeLoad(wrapped, onNode22);
    assert.match(d?.fix ?? '', /npm rebuild better-sqlite3/);
  });

  it('says the installation is broken when the bundled runtime itself cannot load its addon', () => {
    const d = diagnoseNativeLoad(abiError, { ...onNode22, execPath: vsix.path, bundled: vsix });
    assert.match(d?.fix ?? '', /reinstall the Tandem extension \(the VSIX for linux-x64\)/);
  });

  it('tells a missing addon, another platform and a too old C library apart', () => {
    const missing = diagnoseNativeLoad(new Error('Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node'), onNode22);
    assert.match(missing?.cause ?? '', /is missing/);
    const elf = diagnoseNativeLoad(new Error('/x/better_sqlite3.node: invalid ELF header'), { ...onNode22, bundled: vsix });
    assert.match(elf?.cause ?? '', /another operating system or CPU/);
    assert.match(elf?.fix ?? '', /VSIX built for linux-x64/);
    const glibc = diagnoseNativeLoad(
      new Error("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /x/better_sqlite3.node)"),
      { ...onNode22, bundled: vsix },
    );
    assert.match(glibc?.cause ?? '', /needs GLIBC_2\.34 .*needs glibc 2\.34 or later/);
  });

  it('leaves other storage errors alone', () => {
    assert.equal(diagnoseNativeLoad(new Error('SQLITE_CANTOPEN: unable to open database file'), onNode22), undefined);
    assert.equal(diagnoseNativeLoad(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), onNode22), undefined);
  });

  it('finds the bundled runtime next to the entry script of a VSIX install, and none in a clone', () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-native-'));
    try {
      mkdirSync(join(root, 'dist'));
      mkdirSync(join(root, 'runtime', 'bin'), { recursive: true });
      writeFileSync(join(root, 'dist', 'daemon.js'), '');
      writeFileSync(join(root, 'runtime', 'runtime.json'), JSON.stringify({ node: '24.22.3', modules: '137', glibc: '2.34' }));
      const facts = currentRuntimeFacts(join(root, 'dist', 'daemon.js'));
      assert.equal(facts.execPath, process.execPath);
      assert.equal(facts.modules, process.versions.modules);
      assert.deepEqual(facts.bundled, { path: join(root, 'runtime', 'bin', 'node'), node: '24.22.3', modules: '137', glibc: '2.34' });
      rmSync(join(root, 'runtime'), { recursive: true });
      assert.equal(currentRuntimeFacts(join(root, 'dist', 'daemon.js')).bundled, undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("the doctor's storage check", () => {
  it('names a native module that does not load instead of asking for a writable folder', () => {
    const check = storageFailure(new TandemError(ErrorCodes.StorageError, 'SQLite cannot start', { cause: abiError }), '/home/u/.tandem');
    assert.equal(check.status, 'error');
    assert.equal(check.title, "SQLite's native module does not load");
    assert.match(check.detail ?? '', /NODE_MODULE_VERSION 137, i\.e\. Node 24/);
    assert.doesNotMatch(check.fix ?? '', /writable/);
  });

  it('keeps the writable-folder fix for a folder that cannot be written', () => {
    const check = storageFailure(Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES' }), '/home/u/.tandem');
    assert.equal(check.title, 'Storage cannot be opened');
    assert.match(check.fix ?? '', /Make \/home\/u\/\.tandem writable/);
  });
});
