/**
 * Counts of the fault and security suite: cases tried, faults survived (the case's
 * assertions about the outcome held), cases skipped (with why), and requests served
 * under load. A root `after` hook prints one summary line and writes
 * test-results/faults.json once the whole mocha run is over.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const tally = {
  tried: 0,
  survived: 0,
  skipped: [] as string[],
  load: { clients: 0, seconds: 0, served: 0, cancelled: 0, injected: 0, unexpected: 0, rssMb: { first: 0, last: 0, max: 0 } },
  notes: [] as string[],
};

/** A mocha `it` that counts as one fault case: tried when it starts, survived when its assertions hold. */
export function faultCase(title: string, fn: (this: Mocha.Context) => Promise<void>): Mocha.Test {
  return it(title, async function () {
    tally.tried++;
    await fn.call(this);
    tally.survived++;
  });
}

/** Skip the current case loudly (counted and listed in the summary). */
export function skipLoudly(ctx: Mocha.Context, why: string): never {
  tally.tried--;
  tally.skipped.push(why);
  console.warn(`\n  !!! SKIPPED: ${why}\n`);
  ctx.skip();
}

after(function () {
  if (tally.tried === 0 && tally.skipped.length === 0) return;
  const l = tally.load;
  const line =
    `fault suite: ${tally.tried} cases tried, ${tally.survived} faults survived` +
    (tally.skipped.length ? `, ${tally.skipped.length} skipped` : '') +
    (l.clients
      ? `; load: ${l.clients} clients × ${l.seconds} s, ${l.served} completions served, ${l.cancelled} cancelled, ${l.injected} injected errors, ${l.unexpected} unexpected errors, daemon RSS ${l.rssMb.first}→${l.rssMb.last} MB (max ${l.rssMb.max})`
      : '');
  console.log(`\n  ${line}`);
  for (const note of tally.notes) console.log(`    ${note}`);
  try {
    const dir = resolve(__dirname, '../../../test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'faults.json'), JSON.stringify({ ...tally, summary: line }, null, 2));
  } catch {
    // The summary line above is the record; the file is a convenience.
  }
});
