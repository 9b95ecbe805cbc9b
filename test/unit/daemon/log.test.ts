import assert from 'node:assert/strict';
import { DaemonLogger } from '../../../daemon/log';

describe('daemon logger', () => {
  it('passes every line through the redaction before any sink sees it', () => {
    const logger = new DaemonLogger('debug');
    const seen: string[] = [];
    logger.addSink((_level, message) => seen.push(message));
    logger.redactWith((m) => m.replaceAll('tok-123456', '[redacted]'));
    logger.info('proxy said: bad token tok-123456');
    logger.debug('plain');
    assert.deepEqual(seen, ['proxy said: bad token [redacted]', 'plain']);
  });

  it('withholds a line the redaction fails on (fails closed)', () => {
    const logger = new DaemonLogger('info');
    const seen: string[] = [];
    logger.addSink((_level, message) => seen.push(message));
    logger.redactWith(() => {
      throw new Error('bug');
    });
    logger.warn('maybe a secret tok-123456');
    assert.deepEqual(seen, ['(a warn line was withheld: redacting it failed: bug)']);
  });
});
