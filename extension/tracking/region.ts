/**
 * A region of a document followed through edits: the text inserted by an accepted
 * suggestion, so that retention checks compare the right part of the document later.
 */
export interface TextChange {
  /** Offset of the replaced range in the document before this change. */
  offset: number;
  /** Length of the replaced range. */
  removedLength: number;
  /** Length of the inserted text. */
  insertedLength: number;
}

export interface Region {
  start: number;
  end: number;
}

/**
 * The region after one change. Edits before it shift it; edits inside or overlapping it
 * grow or shrink it (an edit that touches it becomes part of it); edits after it, or
 * insertions exactly at its end, leave it alone.
 */
export function applyChange(region: Region, change: TextChange): Region {
  const { offset, removedLength, insertedLength } = change;
  const changeEnd = offset + removedLength;
  const delta = insertedLength - removedLength;
  if (offset >= region.end) return region;
  if (changeEnd <= region.start) return { start: region.start + delta, end: region.end + delta };
  const start = Math.min(region.start, offset);
  const end = changeEnd >= region.end ? offset + insertedLength : region.end + delta;
  return { start, end: Math.max(start, end) };
}
