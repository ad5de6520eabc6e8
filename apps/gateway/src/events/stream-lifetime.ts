import jwt from 'jsonwebtoken';

/** Why a live stream is ended by the gateway, as the final `reauthenticate` event names it. */
export enum StreamEndReason {
  /** The token the stream was opened with has expired. */
  TokenExpired = 'TOKEN_EXPIRED',
  /** The stream has been open as long as `EVENT_STREAM_MAX_SECONDS` allows. */
  LifetimeReached = 'STREAM_LIFETIME_REACHED',
}

export interface StreamDeadline {
  /** Milliseconds since the epoch. */
  at: number;
  reason: StreamEndReason;
}

/** The `exp` of a bearer token the guard has already verified, in milliseconds; undefined when it has none. */
export function tokenExpiry(authorization: string | undefined): number | undefined {
  const token = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization ?? '')?.[1];
  const claims = token ? jwt.decode(token) : null;
  return claims && typeof claims === 'object' && typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
}

/**
 * When a stream opened at `openedAt` must end: when its token expires (a stream outlives no token), and never later
 * than `maxSeconds` after it opened.
 */
export function streamDeadline(expiresAt: number | undefined, openedAt: number, maxSeconds: number): StreamDeadline {
  const longest = openedAt + maxSeconds * 1000;
  return expiresAt !== undefined && expiresAt <= longest
    ? { at: expiresAt, reason: StreamEndReason.TokenExpired }
    : { at: longest, reason: StreamEndReason.LifetimeReached };
}

/** The last message of a stream the gateway ends: the client reconnects with a valid token and its `Last-Event-ID`. */
export function reauthenticateFrame(reason: StreamEndReason): string {
  const detail =
    reason === StreamEndReason.TokenExpired
      ? 'the token has expired; reconnect with a new one and Last-Event-ID'
      : 'the stream has been open as long as the gateway allows; reconnect with Last-Event-ID';
  return `event: reauthenticate\ndata: ${JSON.stringify({ reason, detail })}\n\n`;
}
