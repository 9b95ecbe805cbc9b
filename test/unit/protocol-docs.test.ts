import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from '../../scripts/gen-protocol-docs';

describe('docs/protocol.md', () => {
  it('is generated from the current protocol/ (run `npm run docs:protocol` after changing a message)', () => {
    const committed = readFileSync(join(__dirname, '../../docs/protocol.md'), 'utf8');
    assert.ok(committed === render(), 'docs/protocol.md is stale: run `npm run docs:protocol`');
  });
});
