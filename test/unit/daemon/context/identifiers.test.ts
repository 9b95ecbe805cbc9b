import assert from 'node:assert/strict';
import { indexTerms, splitIdentifier, termsOfIdentifier } from '../../../../daemon/context/identifiers';

describe('context/identifiers', () => {
  it('splits camelCase, PascalCase, acronyms, snake_case, kebab and digits', () => {
    assert.deepEqual(splitIdentifier('parseHTTPResponse_v2'), ['parse', 'http', 'response', 'v', '2']);
    assert.deepEqual(splitIdentifier('XMLHttpRequest'), ['xml', 'http', 'request']);
    assert.deepEqual(splitIdentifier('snake_case_name'), ['snake', 'case', 'name']);
    assert.deepEqual(splitIdentifier('kebab-case'), ['kebab', 'case']);
    assert.deepEqual(splitIdentifier('MAX_HEADER_LENGTH'), ['max', 'header', 'length']);
    assert.deepEqual(splitIdentifier('$scope'), ['scope']);
    assert.deepEqual(splitIdentifier('Vector2'), ['vector', '2']);
  });

  it('keeps the whole identifier next to its parts and drops stop words and single letters', () => {
    assert.deepEqual(termsOfIdentifier('parseHttpHeader'), ['parsehttpheader', 'parse', 'http', 'header']);
    // `to` and `case` are stop words; the whole identifier stays.
    assert.deepEqual(termsOfIdentifier('toSnakeCase'), ['tosnakecase', 'snake']);
    assert.deepEqual(termsOfIdentifier('return'), []);
    assert.deepEqual(termsOfIdentifier('x'), []);
    assert.deepEqual(termsOfIdentifier('parse_http_header'), ['parse_http_header', 'parse', 'http', 'header']);
  });

  it('produces index terms for a text', () => {
    assert.equal(indexTerms('const userId = getUserId(req);'), 'userid user id getuserid get user id req');
  });
});
