import { ErrorCode, errorOfCodes, type ErrorKinds } from '../errors';

/** What the gateway refuses about API keys: the `reason` of its problems. */
export enum ApiKeyErrorCode {
  /** No API key with this id. */
  NotFound = 'API_KEY_NOT_FOUND',
  /** The gateway has no `API_KEY_HASH_SECRET`: API keys can be neither managed nor used. */
  Disabled = 'API_KEYS_DISABLED',
  /** An API key calling a route its authorization policy closes to keys (API key management, the live event stream): only people (a token) may. */
  KeyNotAllowed = 'API_KEY_NOT_ALLOWED',
  /** As many keys are live (not revoked) as the gateway keeps; `details.limit` gives the number. */
  LimitReached = 'API_KEY_LIMIT_REACHED',
  /** The bucket the keys are kept in (NATS JetStream) did not answer; try again later. */
  StoreUnavailable = 'API_KEY_STORE_UNAVAILABLE',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const API_KEY_ERROR_KINDS: ErrorKinds<ApiKeyErrorCode> = {
  [ApiKeyErrorCode.NotFound]: ErrorCode.NOT_FOUND,
  [ApiKeyErrorCode.Disabled]: ErrorCode.UNAVAILABLE,
  [ApiKeyErrorCode.KeyNotAllowed]: ErrorCode.FORBIDDEN,
  [ApiKeyErrorCode.LimitReached]: ErrorCode.UNPROCESSABLE,
  [ApiKeyErrorCode.StoreUnavailable]: ErrorCode.UNAVAILABLE,
};

export class ApiKeyError extends errorOfCodes(API_KEY_ERROR_KINDS) {}
