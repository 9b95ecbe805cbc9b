/**
 * Run a fake Ollama server as its own process (for end-to-end tests in a real VS Code
 * and for trying the daemon by hand):
 *
 *   node --import tsx test/fake-ollama/cli.ts --port 0 --script script.json
 *
 * `--port` defaults to 0 (any free port); `--script` is a JSON `FakeScript` (see
 * script.ts for the format and an example); without it the fake has Tandem's default
 * models. Once listening it prints one JSON line `{"url": "http://127.0.0.1:PORT"}` on
 * stdout, and one line per finished exchange on stderr. It stops on SIGTERM or SIGINT, and with `--exit-on-stdin-close` also when its
 * stdin closes (so a parent that dies takes it along).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FakeOllama } from './server';
import { tandemDefaultModels, type FakeScript } from './script';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      script: { type: 'string' },
      'exit-on-stdin-close': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  let script: FakeScript = { models: tandemDefaultModels() };
  if (values.script) {
    try {
      script = JSON.parse(readFileSync(values.script, 'utf8')) as FakeScript;
    } catch (err) {
      throw new Error(`cannot read script ${values.script}: ${(err as Error).message}`);
    }
  }
  const fake = new FakeOllama(script);
  // One line per exchange on stderr, for e2e logs: method, path, model, status, outcome, ms.
  fake.onExchangeEnd = (e) => {
    const model = typeof e.body === 'object' && e.body !== null ? String((e.body as { model?: unknown }).model ?? '') : '';
    const ms = e.endedAt !== undefined ? (e.endedAt - e.time).toFixed(1) : '?';
    process.stderr.write(`${new Date().toISOString()} ${e.method} ${e.path} ${model} ${e.status ?? '-'} ${e.outcome ?? '-'} ${ms}ms\n`);
  };
  const url = await fake.start(port);
  process.stdout.write(JSON.stringify({ url }) + '\n');
  const shutdown = () => {
    void fake.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (values['exit-on-stdin-close']) {
    process.stdin.on('end', shutdown);
    process.stdin.resume();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-ollama: ${(err as Error).message}\n`);
  process.exit(1);
});
