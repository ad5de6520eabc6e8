/** Injection token of the gateway's pino logger. */
export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');

/** Path prefix of the versioned REST API. */
export const API_PREFIX = 'v1';
