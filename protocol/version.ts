/**
 * Protocol version, exchanged in the `initialize` handshake.
 *
 * `major` changes only when an existing message changes incompatibly; a client and a
 * daemon with different majors refuse each other with `ErrorCodes.ProtocolVersionMismatch`.
 * `minor` grows when optional fields or new messages are added; peers of the same major
 * interoperate and use capabilities to discover what the other side supports.
 */
export const PROTOCOL_VERSION = { major: 1, minor: 2 } as const;
export type ProtocolVersion = { major: number; minor: number };

export function formatVersion(v: ProtocolVersion): string {
  return `${v.major}.${v.minor}`;
}

export function isCompatible(a: ProtocolVersion, b: ProtocolVersion): boolean {
  return a.major === b.major;
}
