import jwt from 'jsonwebtoken';
import { reauthenticateFrame, StreamEndReason, streamDeadline, tokenExpiry } from './stream-lifetime';

const OPENED = Date.parse('2026-01-01T12:00:00.000Z');

describe('stream lifetime', () => {
  it('ends a stream when its token expires', () => {
    expect(streamDeadline(OPENED + 60_000, OPENED, 3_600)).toEqual({ at: OPENED + 60_000, reason: StreamEndReason.TokenExpired });
  });

  it('ends a stream after the longest lifetime when its token expires later, or never', () => {
    expect(streamDeadline(OPENED + 7_200_000, OPENED, 3_600)).toEqual({ at: OPENED + 3_600_000, reason: StreamEndReason.LifetimeReached });
    expect(streamDeadline(undefined, OPENED, 3_600)).toEqual({ at: OPENED + 3_600_000, reason: StreamEndReason.LifetimeReached });
  });

  it("reads the token's expiry from the Authorization header", () => {
    const token = jwt.sign({ sub: 'sam', exp: 1_800_000_000 }, 'a-secret-that-is-long-enough-for-hs256!!');
    expect(tokenExpiry(`Bearer ${token}`)).toBe(1_800_000_000_000);
    expect(tokenExpiry(`Bearer ${jwt.sign({ sub: 'sam' }, 'a-secret-that-is-long-enough-for-hs256!!', { noTimestamp: true })}`)).toBeUndefined();
    expect(tokenExpiry(undefined)).toBeUndefined();
    expect(tokenExpiry('Bearer not-a-jwt')).toBeUndefined();
  });

  it('says why in a final reauthenticate event', () => {
    expect(reauthenticateFrame(StreamEndReason.TokenExpired)).toMatch(/^event: reauthenticate\ndata: \{"reason":"TOKEN_EXPIRED","detail":"[^"]+"\}\n\n$/);
  });
});
