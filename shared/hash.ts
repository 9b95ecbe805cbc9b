/**
 * The content hash that guards edits against clobbering: every change to an existing
 * file carries the hash of the text it was computed from, and both the daemon and the
 * extension refuse the change when the file's current text hashes differently.
 * A leading BOM is ignored (editors hide it; the disk keeps it).
 */
import { createHash } from 'node:crypto';

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** SHA-256 hex of the UTF-8 text without a leading BOM. */
export function contentHash(text: string): string {
  return createHash('sha256').update(stripBom(text), 'utf8').digest('hex');
}
