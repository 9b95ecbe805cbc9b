import assert from 'node:assert/strict';
import { parseImports } from '../../../../daemon/context/imports';

describe('context/imports: the namespace of a Go import typed but not yet indexed', () => {
  it('is the package name the path assumes, a major version suffix left out', () => {
    const text =
      'package x\n\nimport (\n\t"github.com/cespare/xxhash/v2"\n\t"gopkg.in/yaml.v3"\n\tp "github.com/prometheus/client_golang/prometheus"\n\t"fmt"\n)\n';
    assert.deepEqual(
      parseImports(text, 'go').map((i) => `${i.specifier} as ${i.namespace}`),
      [
        'github.com/cespare/xxhash/v2 as xxhash',
        'gopkg.in/yaml.v3 as yaml',
        'github.com/prometheus/client_golang/prometheus as p',
        'fmt as fmt',
      ],
    );
  });
});
