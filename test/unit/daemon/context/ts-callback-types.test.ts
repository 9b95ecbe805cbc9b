import assert from 'node:assert/strict';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { cursorContext } from '../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../daemon/context/syntax/grammars';
import { contentHash } from '../../../../daemon/context/chunker';
import { memoryIndex, sym, TEST_PARSE_BUDGET_MS, type MemoryIndex } from './memory-index';

describe('context/ts-callback-types: an untyped parameter typed by where its function goes (TypeScript)', () => {
  let index: MemoryIndex;
  before(async () => {
    assert.ok((await loadGrammar('typescript')).ok);
    index = memoryIndex('/repo', {
      'src/context.ts': [
        { startLine: 1, text: 'export class Context<E extends Env = Env> {\n  json() {}', symbols: [sym('Context', 1, 'class')] },
        { startLine: 2, text: '  json() {}', symbols: [sym('json', 2, 'method', 'Context')] },
        { startLine: 3, text: '  get req(): HonoRequest {\n  }', symbols: [sym('req', 3, 'method', 'Context')] },
        { startLine: 6, text: 'export class HonoRequest {\n  header(name: string) {}', symbols: [sym('HonoRequest', 6, 'class')] },
        { startLine: 7, text: '  header(name: string) {}', symbols: [sym('header', 7, 'method', 'HonoRequest')] },
        { startLine: 9, text: 'export class Env {\n  vars() {}', symbols: [sym('Env', 9, 'class'), sym('vars', 10, 'method', 'Env')] },
      ],
      'src/stream.ts': [
        { startLine: 1, text: 'export class SSEStream {\n  writeSSE() {}', symbols: [sym('SSEStream', 1, 'class')] },
        { startLine: 2, text: '  writeSSE() {}', symbols: [sym('writeSSE', 2, 'method', 'SSEStream')] },
        {
          startLine: 5,
          text: 'export const streamSSE = (\n  c: Context,\n  cb: (stream: SSEStream) => Promise<void>,\n): Response => {\n  return r\n}',
          symbols: [sym('streamSSE', 5, 'variable')],
        },
      ],
      'src/types.ts': [
        {
          startLine: 1,
          text: 'export type Handler<E extends Env = any> = (c: Context<E>, next: Next) => Response',
          symbols: [sym('Handler', 1, 'type')],
        },
        { startLine: 2, text: 'export type GetConnInfo = (c: Context) => ConnInfo', symbols: [sym('GetConnInfo', 2, 'type')] },
        // A large interface: its call signatures (overloads) go on in the chunks after its first.
        {
          startLine: 3,
          text: 'export interface HandlerInterface<E extends Env = Env> {\n  // app.get(handler)\n  <P extends string>(\n    handler: Handler<E>\n  ): Hono',
          symbols: [sym('HandlerInterface', 3, 'interface')],
        },
        { startLine: 8, text: '  // app.get(path, handler)\n  <P extends string>(path: P, ...handlers: Handler<E>[]): Hono\n}' },
        {
          startLine: 11,
          text: 'export function run<T extends Env>(make: () => T, use: (env: T) => void) {}',
          symbols: [sym('run', 11, 'function')],
        },
      ],
      'src/hono.ts': [
        { startLine: 1, text: 'export class Hono {\n  get!: HandlerInterface', symbols: [sym('Hono', 1, 'class')] },
        { startLine: 2, text: '  get!: HandlerInterface', symbols: [sym('get', 2, 'field', 'Hono')] },
      ],
      'src/socket.ts': [
        {
          startLine: 1,
          text: 'export class Socket {\n  constructor(opts: SocketOptions) {}',
          symbols: [sym('Socket', 1, 'class'), sym('constructor', 2, 'method', 'Socket')],
        },
        {
          startLine: 4,
          text: 'export interface SocketOptions {\n  onMessage?: (e: Context) => void\n  onClose(c: HonoRequest): void\n}',
          symbols: [sym('SocketOptions', 4, 'interface')],
        },
      ],
    });
  });
  after(() => index.close());

  /** The suffix closes what the prefix opened, as the rest of a file does. */
  const typeOf = (prefix: string, suffix = '\n})\n') => {
    const cursor = cursorContext(prefix, suffix, 'typescript', TEST_PARSE_BUDGET_MS);
    assert.ok(cursor.member, 'a member access');
    return receiverMembers(index.syntax, { rel: 'src/app.ts', language: 'typescript', prefix, suffix, imports: [], ...cursor.member }).type;
  };

  it("a function's declared parameter type that is itself a function type: `streamSSE(c, async (stream) => stream.`", () => {
    assert.equal(typeOf('streamSSE(c, async (stream) => {\n  await stream.'), 'SSEStream');
    // Without parentheses around the parameter too.
    assert.equal(typeOf('streamSSE(c, async stream => stream.', ')\n'), 'SSEStream');
  });

  it("a method typed by an interface's call signatures: the overload with a parameter at the argument's place, a rest parameter, an alias", () => {
    assert.equal(typeOf("const app = new Hono();\napp.get('/', (c) => c.", ')\n'), 'Context');
    assert.equal(typeOf("const app = new Hono();\napp.get('/', (c) => c.req.", ')\n'), 'HonoRequest');
    assert.equal(typeOf('const app = new Hono();\napp.get((c, next) => c.', ')\n'), 'Context');
  });

  it('a variable typed by a function type alias: `const g: GetConnInfo = (c) => c.`', () => {
    assert.equal(typeOf('export const g: GetConnInfo = (c) => ({\n  address: c.'), 'Context');
  });

  it("a property of an object literal passed to a constructor: its declared function type, or a method's parameters", () => {
    assert.equal(typeOf('new Socket({ onMessage: (e) => e.', ' })\n'), 'Context');
    assert.equal(typeOf('new Socket({\n  onMessage: (e) => {},\n  onClose: (c) => c.', '\n})\n'), 'HonoRequest');
    assert.equal(typeOf('new Socket({\n  onClose(c) {\n    c.', '\n  },\n})\n'), 'HonoRequest');
  });

  it('a type parameter stands for its constraint; a destructured parameter is a member of the parameter type', () => {
    assert.equal(typeOf('run(() => x, (env) => env.', ')\n'), 'Env');
    assert.equal(typeOf('streamSSE(c, async ({ writeSSE }) => writeSSE.', ')\n'), undefined);
    assert.equal(typeOf('const h = ({ req }: Context) => req.', '\n'), 'HonoRequest');
    assert.equal(typeOf("const app = new Hono();\napp.get('/', ({ req }) => req.", ')\n'), 'HonoRequest');
  });

  it("an array method's callback and a `for … of` variable get an element of an array the document types", () => {
    assert.equal(typeOf('function f(xs: Context[]) {\n  xs.map((x) => x.', ')\n}\n'), 'Context');
    assert.equal(typeOf('function f(xs: ReadonlyArray<Context>) {\n  xs.forEach((x) => x.', ')\n}\n'), 'Context');
    assert.equal(typeOf('function f(xs: Context[]) {\n  xs.reduce((acc, x) => x.', ', 0)\n}\n'), 'Context');
    assert.equal(typeOf('function f(xs: Context[]) {\n  for (const x of xs) {\n    x.', '\n  }\n}\n'), 'Context');
    assert.equal(typeOf('function f(xs: Context[]) {\n  for (const x in xs) {\n    x.', '\n  }\n}\n'), undefined);
    // Not the accumulator, and not a receiver that is no array.
    assert.equal(typeOf('function f(xs: Context[]) {\n  xs.reduce((acc, x) => acc.', ', 0)\n}\n'), undefined);
    assert.equal(typeOf('function f(xs: Context) {\n  xs.map((x) => x.', ')\n}\n'), undefined);
  });

  it('an answer is remembered until the index changes: an edit of the declaration gives the new type', () => {
    const file = (param: string) => {
      const text = `export function listen(cb: (${param}) => void) {}`;
      index.store.replaceFile(
        { path: 'src/listen.ts', hash: contentHash(text), size: 1, mtimeMs: 1, language: 'typescript' },
        [{ startLine: 1, endLine: 1, text, hash: contentHash(text), symbols: [{ name: 'listen', line: 1, kind: 'function' }] }],
        1,
      );
    };
    file('c: Context');
    assert.equal(typeOf('listen((c) => c.', ')\n'), 'Context');
    assert.equal(typeOf('listen((c) => c.', ')\n'), 'Context', 'asked again at the same site');
    file('c: HonoRequest');
    assert.equal(typeOf('listen((c) => c.', ')\n'), 'HonoRequest');
    // The same site called on another receiver type is another question.
    assert.equal(typeOf("const app = new Hono();\napp.get('/', (c) => c.", ')\n'), 'Context');
    assert.equal(typeOf("const app = new Socket();\napp.get('/', (c) => c.", ')\n'), undefined);
  });

  it('a parameter with its own type keeps it; a function that goes nowhere typed says nothing', () => {
    assert.equal(typeOf('streamSSE(c, async (stream: Context) => stream.', ')\n'), 'Context');
    assert.equal(typeOf('const f = (stream) => stream.', '\n'), undefined);
  });
});
