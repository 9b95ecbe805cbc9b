import { strict as assert } from 'node:assert';
import { buildCases } from '../../../../bench/retrieval/cases';

/** The benchmark's case oracle: which uses become cases, and the standard library's ambiguity rule. */
describe('bench:retrieval cases', () => {
  const modules = { goModules: [], crates: ['app'] };
  const rust = [
    {
      rel: 'src/chan.rs',
      text: 'pub struct Chan;\nimpl Chan {\n    pub fn send(&self) {}\n    pub fn drain_all(&self) {}\n}\npub struct Reason;\nimpl Reason {\n    pub fn clone_of(&self) {}\n}\n',
    },
    {
      rel: 'src/main.rs',
      text: ['use crate::chan::Chan;', 'fn run(tx: Chan, rx: Chan) {', '    tx.send();', '    rx.drain_all();', '}', ''].join('\n'),
    },
  ];

  it('drops a value member the standard library also has, and keeps the rest', async () => {
    const opts = { perFile: 10, maxCases: 100, modules };
    const without = await buildCases(rust, 'rust', opts);
    assert.deepEqual(
      without.cases.map((c) => `${c.line}:${c.name}:${c.kind}`),
      ['3:send:member', '4:drain_all:member'],
    );
    assert.equal(without.stdlibAmbiguous, 0);

    const std = new Set(['send', 'clone']);
    const withRule = await buildCases(rust, 'rust', { ...opts, stdlibMembers: std });
    // `tx.send` may be std's (a channel's `send`): ambiguous. `rx.drain_all` is only the repository's.
    assert.deepEqual(
      withRule.cases.map((c) => `${c.line}:${c.name}`),
      ['4:drain_all'],
    );
    assert.equal(withRule.stdlibAmbiguous, 1);
    const drain = withRule.cases.find((c) => c.name === 'drain_all')!;
    assert.equal(drain.goldFile, 'src/chan.rs');
    assert.equal(drain.goldLine, 4);
  });

  it('keeps a path member (`Self::name`): a path names a type or module, not a value', async () => {
    const files = [
      rust[0],
      { rel: 'src/lib.rs', text: 'struct Wrap;\nimpl Wrap {\n    fn f() {\n        assert!(Self::send == 0);\n    }\n}\n' },
    ];
    const built = await buildCases(files, 'rust', { perFile: 10, maxCases: 100, modules, stdlibMembers: new Set(['send']) });
    assert.deepEqual(
      built.cases.map((c) => `${c.line}:${c.name}:${c.kind}`),
      ['4:send:member'],
    );
    assert.equal(built.stdlibAmbiguous, 0);
  });

  it('applies to a local in TypeScript the same way', async () => {
    const files = [
      { rel: 'src/queue.ts', text: 'export class Queue {\n  push(x: number) {}\n  drainAll() {}\n}\n' },
      {
        rel: 'src/use.ts',
        text: "import { Queue } from './queue';\nconst q = new Queue();\nq.push(1);\nq.drainAll();\n",
      },
    ];
    const built = await buildCases(files, 'typescript', {
      perFile: 10,
      maxCases: 100,
      modules: { goModules: [], crates: [] },
      stdlibMembers: new Set(['push']),
    });
    assert.deepEqual(
      built.cases.map((c) => `${c.line}:${c.name}`),
      ['2:Queue', '4:drainAll'],
    );
    assert.equal(built.stdlibAmbiguous, 1);
  });

  it("counts an interface's members as declarations, as a class's: a name both declare is ambiguous, one only an interface declares is gold", async () => {
    const files = [
      {
        rel: 'src/types.ts',
        text: [
          'export interface Store {',
          '  getSnapshot(): number', // 2: also Actor's below: declared twice
          '  trigger: Trigger', // 3: only here
          '}',
          'export type Options = {',
          '  console?: Logger', // 6: a member, which no bare `console` names
          '}',
          'export type Pick<T> = T extends { picked: infer P } ? P : never', // 8: no member of anything
          '',
        ].join('\n'),
      },
      { rel: 'src/actor.ts', text: 'export class Actor {\n  getSnapshot() {\n    return 1;\n  }\n}\n' },
      { rel: 'src/log.ts', text: 'export interface Logger {\n  info(m: string): void\n}\n' },
      {
        rel: 'src/use.ts',
        text: [
          "import { createStore, Store } from './types';",
          'const store: Store = createStore();',
          'store.trigger.inc();',
          'store.getSnapshot();',
          "console.info('x');",
          '',
        ].join('\n'),
      },
    ];
    const built = await buildCases(files, 'typescript', { perFile: 10, maxCases: 100, modules });
    assert.deepEqual(
      built.cases.map((c) => `${c.line}:${c.name}:${c.goldFile}:${c.goldLine}`),
      ['2:Store:src/types.ts:1', '3:trigger:src/types.ts:3'],
    );
  });

  it("counts a Go interface's methods as declarations", async () => {
    const files = [
      { rel: 'store/store.go', text: 'package store\n\ntype Store interface {\n\tFlushAll() error\n}\n' },
      { rel: 'store/use.go', text: 'package store\n\nfunc run(s Store) {\n\ts.FlushAll()\n}\n' },
    ];
    const built = await buildCases(files, 'go', { perFile: 10, maxCases: 100, modules: { goModules: ['example.com/app'], crates: [] } });
    assert.deepEqual(
      built.cases.map((c) => `${c.line}:${c.name}:${c.goldFile}:${c.goldLine}`),
      ['4:FlushAll:store/store.go:4'],
    );
  });
});
