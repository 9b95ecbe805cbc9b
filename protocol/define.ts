/**
 * Building blocks for protocol messages. Every message is a namespace holding its
 * `method`, `messageDirection`, the zod schema of its params (validated at the daemon
 * boundary, the single source of the params type) and a typed `RequestType` /
 * `NotificationType` used by callers: `connection.sendRequest(X.type, params)`.
 */
import { z } from 'zod';

export enum MessageDirection {
  clientToServer = 'clientToServer',
  serverToClient = 'serverToClient',
  both = 'both',
}

/** A file-system path as sent on the wire (absolute unless a message says otherwise). */
export const zPath = z.string().min(1).max(4096);
/** An identifier chosen by the client (stream ids, session keys). */
export const zId = z.string().min(1).max(128);
export const zInt = z.number().int();
export const zNonNegInt = z.number().int().nonnegative();
/** A period `[sinceMs, untilMs)` of stored figures, epoch ms; either end may be open (default: everything stored). */
export const zPeriod = z.object({ sinceMs: zNonNegInt.optional(), untilMs: zNonNegInt.optional() });

export { z };
