import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuggestionEvent } from '../../../../protocol';
import { openUserDb, type Db } from '../../../../daemon/storage/db';

export function tempHome(): { home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'tandem-telemetry-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export function withDb(): { db: Db; home: string; cleanup(): void } {
  const t = tempHome();
  const db = openUserDb(t.home);
  return {
    db,
    home: t.home,
    cleanup: () => {
      db.close();
      t.cleanup();
    },
  };
}

const meta = { model: 'qwen', backend: 'local', languageId: 'typescript' };

export function shown(id: string, totalMs: number, extra: Partial<Extract<SuggestionEvent, { kind: 'shown' }>> = {}): SuggestionEvent {
  return { kind: 'shown', completionId: id, at: 1000, ...meta, firstTokenMs: totalMs / 2, totalMs, lines: 1, chars: 10, ...extra };
}
export function accepted(id: string, chars = 10, extra: Partial<SuggestionEvent> = {}): SuggestionEvent {
  return { kind: 'accepted', completionId: id, at: 2000, ...meta, lines: 1, chars, ...extra } as SuggestionEvent;
}
export function partial(id: string, acceptedChars: number): SuggestionEvent {
  return { kind: 'partially_accepted', completionId: id, at: 2000, ...meta, acceptedChars, unit: 'word' };
}
export function dismissed(id: string, reason: 'escaped' | 'typed_over' = 'escaped'): SuggestionEvent {
  return { kind: 'dismissed', completionId: id, at: 2000, ...meta, reason };
}
export function retention(id: string, checkpointSec: 30 | 120 | 600, acceptedChars: number, retainedChars: number): SuggestionEvent {
  return {
    kind: 'retention',
    completionId: id,
    at: 3000,
    ...meta,
    checkpointSec,
    acceptedChars,
    retainedChars,
    editDistance: acceptedChars - retainedChars,
  };
}
