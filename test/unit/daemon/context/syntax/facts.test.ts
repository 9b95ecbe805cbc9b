import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SCHEMA_VERSION } from '../../../../../daemon/context/index-store';
import { storeDirFor } from '../../../../../daemon/context/workspace';
import { makeEngine, reopenAsSchema, tempDir } from '../helpers';

const FILES: Record<string, string> = {
  // TypeScript: relative, tsconfig paths (through extends), workspace packages.
  'tsconfig.base.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["packages/lib/src/*"] } } }',
  'tsconfig.json': '// comments are allowed\n{ "extends": "./tsconfig.base.json", "compilerOptions": { "strict": true, }, }',
  'packages/lib/package.json': '{ "name": "@acme/lib", "main": "dist/index.js" }',
  'packages/lib/src/index.ts': 'export const lib = 1;\n',
  'packages/lib/src/pool.ts': 'export class Pool {}\n',
  'app/util.ts': 'export function util() {}\n',
  'app/main.ts':
    "import { util } from './util';\nimport { Pool } from '@lib/pool';\nimport { lib } from '@acme/lib';\nimport * as path from 'node:path';\nexport const x = util() + lib;\n",
  // Python: relative, absolute, submodules.
  'pkg/__init__.py': '"""The package."""\n',
  'pkg/models.py': 'class User:\n    pass\n',
  'pkg/sub/__init__.py': '"""A subpackage."""\n',
  'pkg/sub/helpers.py': 'from ..models import User\nfrom . import other\nimport pkg.models\nfrom pkg import models\nimport os\n',
  'pkg/sub/other.py': 'X = 1\n',
  // Go: module path and same-package files.
  'go.mod': 'module example.com/shop\n\ngo 1.22\n',
  'cart/cart.go':
    'package cart\n\nimport (\n\t"fmt"\n\t"example.com/shop/price"\n)\n\nfunc Total() int { return price.Of(1) + helper() }\n',
  'cart/helper.go': 'package cart\n\nfunc helper() int { return 0 }\n',
  'cart/cart_test.go': 'package cart\n\nfunc TestTotal() {}\n',
  'price/price.go': 'package price\n\nfunc Of(n int) int { return n }\n',
  // A module nested in the outer one's folder imports the outer module's packages and its own.
  'exp/go.mod': 'module example.com/shop/exp\n\ngo 1.22\n',
  'exp/promo/promo.go': 'package promo\n\nimport (\n\t"example.com/shop/price"\n\t"example.com/shop/exp/tag"\n)\n',
  'exp/tag/tag.go': 'package tag\n\nfunc Name() string { return "" }\n',
  // Rust: crate, super, self, mod files and a workspace crate.
  'Cargo.toml': '[workspace]\nmembers = ["core", "util"]\n',
  'core/Cargo.toml': '[package]\nname = "shop-core"\nversion = "0.1.0"\n',
  'core/src/lib.rs': 'mod net;\npub mod db;\nuse crate::db::pool::Pool;\nuse shop_util::fmt;\n',
  'core/src/net.rs': 'use super::db::{pool, Conn};\npub fn go() {}\n',
  'core/src/db/mod.rs': 'pub mod pool;\npub struct Conn;\n',
  'core/src/db/pool.rs': 'use self::inner::X;\nuse super::Conn;\npub struct Pool;\n',
  'util/Cargo.toml': '[package]\nname = "shop-util"\nversion = "0.1.0"\n',
  'util/src/lib.rs': 'pub fn fmt() {}\n',
  // Rust crate roots off src/: a [[bin]] path in Cargo.toml, an integration test under tests/.
  'cli/Cargo.toml': '[package]\nname = "shop-cli"\n\n[[bin]]\nname = "shop"\npath = "app/main.rs"\n',
  'cli/app/main.rs': 'mod flags;\n',
  'cli/app/flags/mod.rs': 'pub struct Opts;\n',
  'cli/app/flags/doc.rs': 'use crate::flags::Opts;\n',
  'core/tests/it.rs': 'mod util;\nuse crate::util::setup;\n',
  'core/tests/util.rs': 'pub fn setup() {}\n',
  // Java: classes, wildcards, same package.
  'src/main/java/com/acme/App.java':
    'package com.acme;\nimport com.acme.db.Store;\nimport com.acme.util.*;\nimport java.util.List;\nclass App { Store s; Helper h; }\n',
  'src/main/java/com/acme/Helper.java': 'package com.acme;\nclass Helper {}\n',
  'src/main/java/com/acme/db/Store.java': 'package com.acme.db;\npublic class Store {}\n',
  'src/main/java/com/acme/util/Text.java': 'package com.acme.util;\npublic class Text {}\n',
  'src/main/java/com/acme/util/Nums.java': 'package com.acme.util;\npublic class Nums {}\n',
  // C, Ruby, PHP.
  'native/include/buf.h': 'struct buf { int n; };\n',
  'native/src/buf.c': '#include "buf.h"\n#include "../include/buf.h"\n#include <stdio.h>\n',
  'lib/shop/cart.rb': 'class Cart; end\n',
  'lib/shop.rb': "require_relative 'shop/cart'\nrequire 'json'\n",
  'web/src/Models/User.php': '<?php\nnamespace Web\\Models;\nclass User {}\n',
  'web/src/index.php': "<?php\nuse Web\\Models\\User;\nrequire 'Models/User.php';\n",
};

describe('context/syntax: facts in the index (parsers, resolved imports, packages)', function () {
  this.timeout(60_000);
  let t: ReturnType<typeof tempDir>;
  let root: string;

  beforeEach(() => {
    t = tempDir('syntax-facts');
    root = join(t.dir, 'repo');
    for (const [rel, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
  });
  afterEach(() => t.cleanup());

  it('resolves imports to indexed files in every language and knows same-package files', async () => {
    const { engine } = makeEngine(join(t.dir, 'home'), { watch: { enabled: false } });
    try {
      const stats = await engine.indexRoot(root);
      assert.ok((stats.parsers['tree-sitter:typescript'] ?? 0) >= 3, JSON.stringify(stats.parsers));
      const facts = engine.rootOf(join(root, 'app/main.ts'))!.syntax;
      const files = (f: string) => facts.importsOf(f).map((i) => [i.specifier, i.files]);
      assert.deepEqual(files('app/main.ts'), [
        ['./util', ['app/util.ts']],
        ['@lib/pool', ['packages/lib/src/pool.ts']],
        ['@acme/lib', ['packages/lib/src/index.ts']],
        ['node:path', []],
      ]);
      assert.deepEqual(files('pkg/sub/helpers.py'), [
        ['..models', ['pkg/models.py']],
        ['.', ['pkg/sub/__init__.py', 'pkg/sub/other.py']],
        ['pkg.models', ['pkg/models.py']],
        ['pkg', ['pkg/__init__.py', 'pkg/models.py']],
        ['os', []],
      ]);
      assert.deepEqual(files('cart/cart.go'), [
        ['fmt', []],
        ['example.com/shop/price', ['price/price.go']],
      ]);
      assert.deepEqual(facts.samePackageFiles('cart/cart.go'), ['cart/cart_test.go', 'cart/helper.go']);
      assert.deepEqual(files('exp/promo/promo.go'), [
        ['example.com/shop/price', ['price/price.go']],
        ['example.com/shop/exp/tag', ['exp/tag/tag.go']],
      ]);
      assert.deepEqual(files('core/src/lib.rs'), [
        ['net', ['core/src/net.rs']],
        ['db', ['core/src/db/mod.rs']],
        ['crate::db::pool', ['core/src/db/pool.rs']],
        ['shop_util', ['util/src/lib.rs']],
      ]);
      assert.deepEqual(files('cli/app/flags/doc.rs'), [['crate::flags', ['cli/app/flags/mod.rs']]]);
      assert.deepEqual(files('core/tests/it.rs'), [
        ['util', ['core/tests/util.rs']],
        ['crate::util', ['core/tests/util.rs']],
      ]);
      assert.deepEqual(files('core/src/net.rs'), [['super::db', ['core/src/db/mod.rs', 'core/src/db/pool.rs']]]);
      assert.deepEqual(files('core/src/db/mod.rs'), [['pool', ['core/src/db/pool.rs']]]);
      assert.deepEqual(files('core/src/db/pool.rs'), [
        ['self::inner', []],
        ['super', ['core/src/db/mod.rs']],
      ]);
      assert.deepEqual(files('src/main/java/com/acme/App.java'), [
        ['com.acme.db.Store', ['src/main/java/com/acme/db/Store.java']],
        ['com.acme.util', ['src/main/java/com/acme/util/Nums.java', 'src/main/java/com/acme/util/Text.java']],
        ['java.util.List', []],
      ]);
      assert.deepEqual(facts.samePackageFiles('src/main/java/com/acme/App.java'), ['src/main/java/com/acme/Helper.java']);
      assert.deepEqual(files('native/src/buf.c'), [
        ['buf.h', ['native/include/buf.h']],
        ['../include/buf.h', ['native/include/buf.h']],
        ['stdio.h', []],
      ]);
      assert.deepEqual(files('lib/shop.rb'), [
        ['./shop/cart', ['lib/shop/cart.rb']],
        ['json', []],
      ]);
      assert.deepEqual(files('web/src/index.php'), [
        ['Web\\Models\\User', ['web/src/Models/User.php']],
        ['Models/User.php', ['web/src/Models/User.php']],
      ]);
      assert.deepEqual(facts.parserOf('app/main.ts'), { parser: 'tree-sitter:typescript' });
      assert.deepEqual(facts.parserOf('tsconfig.json'), { parser: 'heuristic' });
      assert.deepEqual(
        facts.definitions('Pool').map((d) => [d.path, d.kind, d.line]),
        [
          ['core/src/db/pool.rs', 'struct', 3],
          ['packages/lib/src/pool.ts', 'class', 1],
        ],
      );
      // One name of a file, read alone or from the file's remembered definitions: the same sites.
      const alone = facts.definitionsNamed('core/src/db/mod.rs', 'Conn');
      assert.deepEqual(
        alone.map((d) => [d.name, d.kind, d.line]),
        [['Conn', 'struct', 2]],
      );
      assert.deepEqual(
        alone,
        facts.definitionsIn('core/src/db/mod.rs').filter((d) => d.name === 'Conn'),
      );
      assert.deepEqual(facts.definitionsNamed('core/src/db/mod.rs', 'Conn'), alone);
      assert.deepEqual(facts.definitionsNamed('core/src/db/mod.rs', 'Absent'), []);
      assert.deepEqual(
        facts.typeDefinitions('app/main.ts', 'Pool').map((d) => d.path),
        ['packages/lib/src/pool.ts'],
      );
      // Edits are seen: a new import resolves once the file is re-indexed.
      writeFileSync(join(root, 'app/util.ts'), "import { Pool } from '../packages/lib/src/pool';\nexport function util() {}\n");
      await engine.refreshPaths(root, ['app/util.ts']);
      assert.deepEqual(facts.importedFiles('app/util.ts'), ['packages/lib/src/pool.ts']);
      // So is a file that goes: what was remembered of it is not served after the index changed.
      assert.deepEqual(facts.parserOf('app/util.ts'), { parser: 'tree-sitter:typescript' });
      rmSync(join(root, 'app/util.ts'));
      await engine.refreshPaths(root, ['app/util.ts']);
      assert.equal(facts.parserOf('app/util.ts'), undefined);
    } finally {
      await engine.dispose();
    }
  });

  it('after a save keeps what other files resolved; a new path, a moved package or a config file resets it', async () => {
    const { engine } = makeEngine(join(t.dir, 'home'), { watch: { enabled: false } });
    try {
      await engine.indexRoot(root);
      const ws = engine.rootOf(join(root, 'app/main.ts'))!;
      const facts = ws.syntax;
      // Which files' imports are read from the index (not served from what was resolved before).
      const read: string[] = [];
      const syntaxOf = ws.store.syntaxOf.bind(ws.store);
      ws.store.syntaxOf = (path: string) => {
        read.push(path);
        return syntaxOf(path);
      };
      const save = async (rel: string, text: string) => {
        writeFileSync(join(root, rel), text);
        await engine.refreshPaths(root, [rel]);
        read.length = 0;
      };
      assert.deepEqual(facts.importedFiles('app/main.ts'), ['app/util.ts', 'packages/lib/src/pool.ts', 'packages/lib/src/index.ts']);
      const java = 'src/main/java/com/acme/App.java';
      const utilFiles = ['src/main/java/com/acme/util/Nums.java', 'src/main/java/com/acme/util/Text.java'];
      assert.deepEqual(facts.importedFiles(java), ['src/main/java/com/acme/db/Store.java', ...utilFiles]);

      // The usual edit: a file saved with the same path and package.
      await save('app/util.ts', "import { Pool } from '../packages/lib/src/pool';\nexport function util() {}\n");
      assert.deepEqual(facts.importedFiles('app/main.ts'), ['app/util.ts', 'packages/lib/src/pool.ts', 'packages/lib/src/index.ts']);
      assert.deepEqual(facts.importedFiles('app/util.ts'), ['packages/lib/src/pool.ts']);
      // (Twice: once to see whether what it re-exports changed, for the imports resolved through it; ts-barrels.ts.)
      assert.deepEqual([...new Set(read)], ['app/util.ts'], 'only the saved file is read again');
      assert.deepEqual(
        facts.definitionsIn('app/util.ts').map((d) => [d.name, d.line]),
        [['util', 2]],
      );

      // A new file other imports may now resolve to: everything is resolved again.
      writeFileSync(join(root, 'app/extra.ts'), 'export const extra = 1;\n');
      await save('app/main.ts', "import { extra } from './extra';\nimport { util } from './util';\n");
      await engine.refreshPaths(root, ['app/extra.ts']);
      read.length = 0;
      assert.deepEqual(facts.importedFiles('app/main.ts'), ['app/extra.ts', 'app/util.ts']);
      assert.deepEqual(facts.importedFiles(java), ['src/main/java/com/acme/db/Store.java', ...utilFiles]);
      // The new file's own re-exports are read once, for an import of it that could go through it as a barrel (ts-barrels.ts).
      assert.deepEqual(read, ['app/main.ts', 'app/extra.ts', java]);

      // A file moving into a package another file imports whole: that import now lists it too.
      await save('src/main/java/com/acme/Helper.java', 'package com.acme.util;\nclass Helper {}\n');
      assert.deepEqual(facts.importedFiles(java), [
        'src/main/java/com/acme/db/Store.java',
        'src/main/java/com/acme/Helper.java',
        ...utilFiles,
      ]);

      // A resolver configuration file: what resolved through it is resolved again.
      await save('packages/lib/package.json', '{ "name": "@acme/lib2", "main": "dist/index.js" }');
      assert.deepEqual(facts.importedFiles('app/main.ts'), ['app/extra.ts', 'app/util.ts']);
      assert.ok(read.includes('app/main.ts'));

      // A tsconfig's paths changed (in the config another extends): an alias follows the new ones,
      // in a file whose folder's config was read before the change.
      await save('app/main.ts', "import { util } from '@lib/util';\n");
      assert.deepEqual(facts.importedFiles('app/main.ts'), []);
      await save('tsconfig.base.json', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["app/*"] } } }');
      assert.deepEqual(facts.importedFiles('app/main.ts'), ['app/util.ts']);
    } finally {
      await engine.dispose();
    }
  });

  /** The index file a first index of the fixture under `home` leaves (the engine disposed). */
  const indexFileOf = async (home: string): Promise<string> => {
    const { engine } = makeEngine(home, { watch: { enabled: false } });
    await engine.indexRoot(root);
    const file = join(storeDirFor(home, engine.roots()[0]), 'index.db');
    await engine.dispose();
    return file;
  };

  it('migrates an index of the previous schema by rebuilding it with the parser recorded per file', async () => {
    const home = join(t.dir, 'home');
    // Turn it into what schema 2 wrote: no parser column, no syntax table, heuristic chunks.
    const store = reopenAsSchema(
      await indexFileOf(home),
      2,
      `DROP TABLE file_syntax; ALTER TABLE files DROP COLUMN parser; ALTER TABLE files DROP COLUMN parser_note;
       ALTER TABLE chunks DROP COLUMN context; DROP INDEX IF EXISTS symbols_name; ALTER TABLE symbols DROP COLUMN kind;
       ALTER TABLE symbols DROP COLUMN container; CREATE INDEX symbols_name ON symbols(name);`,
    );
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(store.counts(), { files: 0, chunks: 0 }, 'the old index is emptied, to be rebuilt');
    store.close();
    const { engine: again } = makeEngine(home, { watch: { enabled: false } });
    try {
      const stats = await again.indexRoot(root);
      assert.equal(stats.indexed, stats.files);
      assert.equal(again.rootOf(join(root, 'cart/cart.go'))!.syntax.parserOf('cart/cart.go')?.parser, 'tree-sitter:go');
    } finally {
      await again.dispose();
    }
  });

  it('rebuilds a schema-3 index, whose symbols lack Go interface methods', async () => {
    const home = join(t.dir, 'home3');
    const store = reopenAsSchema(await indexFileOf(home), 3, '');
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(store.counts(), { files: 0, chunks: 0 }, 'emptied, to be rebuilt with the new facts');
    store.close();
  });

  it('rebuilds a schema-7 index, whose chunks parted doc comments from their declarations', async () => {
    const home = join(t.dir, 'home7');
    const store = reopenAsSchema(await indexFileOf(home), 7, '');
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(store.counts(), { files: 0, chunks: 0 }, 'emptied, to be cut anew');
    store.close();
    const { engine: again } = makeEngine(home, { watch: { enabled: false } });
    try {
      const stats = await again.indexRoot(root);
      assert.equal(stats.indexed, stats.files, 'every file analysed again');
    } finally {
      await again.dispose();
    }
  });
});
