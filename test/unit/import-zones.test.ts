/**
 * The import zones of eslint.config.mjs still bite: ESLint's API lints a synthetic
 * file in each zone with a wrong import and must report it, and the allowed imports
 * next to it must pass. The zone rule skips imports it cannot resolve, so a broken
 * resolver would otherwise switch the boundaries off without a sound.
 */
import { strict as assert } from 'node:assert';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = resolve(__dirname, '../..');
const RULE = 'import-x/no-restricted-paths';

describe('lint import zones', function () {
  this.timeout(60_000);
  let eslint: ESLint;

  before(() => {
    // The repo's own config, only the zone rule, and no type information (the synthetic
    // files are not in any tsconfig project).
    eslint = new ESLint({
      cwd: ROOT,
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
      ruleFilter: ({ ruleId }) => ruleId === RULE,
    });
  });

  /** The zone errors for `code` as if it were the file `file` (repo-relative), as `line: import path`. */
  async function zoneErrors(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
    assert.ok(result, `no lint result for ${file}`);
    const other = result.messages.filter((m) => m.ruleId !== RULE);
    assert.deepEqual(other, [], `unexpected messages for ${file}`);
    return result.messages.map((m) => `${m.line}: ${/"([^"]+)"/.exec(m.message)?.[1] ?? m.message}`);
  }

  it('extension/ never imports daemon/ (values, types, re-exports, dynamic imports, any depth)', async () => {
    const errors = await zoneErrors(
      'extension/ui/zone-probe.ts',
      [
        "import { loadConfig } from '../../daemon/config';",
        "import type { ModelRouter } from '../../daemon/router/types';",
        "export { Router } from '../../daemon/router/router';",
        "export const lazy = () => import('../../daemon/log');",
        "import { ErrorCodes } from '../../protocol';",
        "import { contentHash } from '../../shared/hash';",
        "import type { InspectedSuggestion } from '../../webview-ui/inspector-protocol';",
        'export { loadConfig, ErrorCodes, contentHash };',
        'export type { ModelRouter, InspectedSuggestion };',
      ].join('\n'),
    );
    assert.deepEqual(errors, [
      '1: ../../daemon/config',
      '2: ../../daemon/router/types',
      '3: ../../daemon/router/router',
      '4: ../../daemon/log',
    ]);
  });

  it('daemon/ never imports extension/ or webview-ui/', async () => {
    const errors = await zoneErrors(
      'daemon/zone-probe.ts',
      [
        "import { TandemClient } from '../extension/tandem-client';",
        "import type { HostToWebview } from '../webview-ui/chat/messages';",
        "import { resolveWorkspacePath } from '../shared/paths';",
        "import { liveLock } from '../protocol/lockfile';",
        'export { TandemClient, resolveWorkspacePath, liveLock };',
        'export type { HostToWebview };',
      ].join('\n'),
    );
    assert.deepEqual(errors, ['1: ../extension/tandem-client', '2: ../webview-ui/chat/messages']);
  });

  it('webview-ui/ imports neither extension/ nor daemon/, but may import protocol/ and shared/', async () => {
    const errors = await zoneErrors(
      'webview-ui/stats/zone-probe.ts',
      [
        "import { readSettings } from '../../extension/settings';",
        "import { loadConfig } from '../../daemon/config';",
        "import type { StatsRow } from '../../protocol';",
        "import { formatStats } from '../../shared/stats-format';",
        'export { readSettings, loadConfig, formatStats };',
        'export type { StatsRow };',
      ].join('\n'),
    );
    assert.deepEqual(errors, ['1: ../../extension/settings', '2: ../../daemon/config']);
  });

  it('shared/ imports only protocol/ (and packages)', async () => {
    const errors = await zoneErrors(
      'shared/zone-probe.ts',
      [
        "import { loadConfig } from '../daemon/config';",
        "import { systemClock } from '../extension/clock';",
        "import type { InspectedSuggestion } from '../webview-ui/inspector-protocol';",
        "import { FakeOllama } from '../test/fake-ollama/server';",
        "import { ErrorCodes } from '../protocol';",
        "import { isLoopback } from './url';",
        "import { z } from 'zod';",
        "import { createHash } from 'node:crypto';",
        'export { loadConfig, systemClock, FakeOllama, ErrorCodes, isLoopback, z, createHash };',
        'export type { InspectedSuggestion };',
      ].join('\n'),
    );
    assert.deepEqual(errors, [
      '1: ../daemon/config',
      '2: ../extension/clock',
      '3: ../webview-ui/inspector-protocol',
      '4: ../test/fake-ollama/server',
    ]);
  });

  it('protocol/ imports nothing of ours', async () => {
    const errors = await zoneErrors(
      'protocol/messages/zone-probe.ts',
      [
        "import { contentHash } from '../../shared/hash';",
        "import { loadConfig } from '../../daemon/config';",
        "import { readSettings } from '../../extension/settings';",
        "import { MessageDirection, z } from '../define';",
        "import { RequestType } from 'vscode-jsonrpc';",
        'export { contentHash, loadConfig, readSettings, MessageDirection, z, RequestType };',
      ].join('\n'),
    );
    assert.deepEqual(errors, ['1: ../../shared/hash', '2: ../../daemon/config', '3: ../../extension/settings']);
  });
});
