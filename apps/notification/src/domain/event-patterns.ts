/**
 * Which events a subscription takes. A pattern is `*`, `<domain>.*`, `<domain>.<name>` (any version) or a full
 * CloudEvents type `itsm.<domain>.<name>.v<N>`.
 */

export interface EventTypeParts {
  domain: string;
  name: string;
  version: number;
}

/** The domain whose events this service publishes itself. */
export const NOTIFICATION_DOMAIN = 'notification';

/**
 * Outcomes of deliveries: a subscription on them would produce a delivery per delivery (and a failed webhook a
 * failure per failure), so no pattern ever takes them.
 */
const LOOPING_NAMES: ReadonlySet<string> = new Set(['delivered', 'failed']);

const SEGMENT = '[a-z][a-z0-9_]*';
const EVENT_TYPE = new RegExp(`^itsm\\.(${SEGMENT})\\.(${SEGMENT})\\.v([1-9][0-9]*)$`);
const DOMAIN_AND_NAME = new RegExp(`^(${SEGMENT})\\.(${SEGMENT}|\\*)$`);

type Pattern = { kind: 'all' } | { kind: 'domain'; domain: string } | { kind: 'name'; domain: string; name: string } | { kind: 'type'; type: EventTypeParts };

/** Domain, name and version of a CloudEvents type of the suite, or null when it has another shape. */
export function parseEventType(type: string): EventTypeParts | null {
  const match = EVENT_TYPE.exec(type);
  if (!match) return null;
  const [, domain, name, version] = match;
  if (domain === undefined || name === undefined || version === undefined) return null;
  return { domain, name, version: Number(version) };
}

function parsePattern(pattern: string): Pattern | null {
  if (pattern === '*') return { kind: 'all' };
  const type = parseEventType(pattern);
  if (type) return { kind: 'type', type };
  const match = DOMAIN_AND_NAME.exec(pattern);
  if (!match) return null;
  const [, domain, name] = match;
  if (domain === undefined || name === undefined) return null;
  // `itsm.incident` would otherwise read as domain `itsm`, name `incident`: a truncated type, not a pattern.
  if (domain === 'itsm') return null;
  return name === '*' ? { kind: 'domain', domain } : { kind: 'name', domain, name };
}

/** True when a subscription with `pattern` takes events of `type`. */
export function patternMatches(pattern: string, type: string): boolean {
  const parsed = parsePattern(pattern);
  const event = parseEventType(type);
  if (!parsed || !event) return false;
  if (event.domain === NOTIFICATION_DOMAIN) {
    if (LOOPING_NAMES.has(event.name)) return false;
    // A wildcard subscriber whose endpoint fails would be told of its own disablement through that endpoint:
    // the service's own events only go to subscriptions that name them.
    if (parsed.kind === 'all' || parsed.kind === 'domain') return false;
  }
  switch (parsed.kind) {
    case 'all':
      return true;
    case 'domain':
      return parsed.domain === event.domain;
    case 'name':
      return parsed.domain === event.domain && parsed.name === event.name;
    case 'type':
      return parsed.type.domain === event.domain && parsed.type.name === event.name && parsed.type.version === event.version;
  }
}

/** null when the pattern is valid and matches at least one of `knownTypes`; else a message saying why not. */
export function checkEventPattern(pattern: string, knownTypes: readonly string[]): string | null {
  const parsed = parsePattern(pattern);
  if (!parsed) {
    return `"${pattern}" is not an event type pattern: use *, <domain>.*, <domain>.<name> or itsm.<domain>.<name>.v<N> (lower case)`;
  }
  const named = parsed.kind === 'name' ? parsed : parsed.kind === 'type' ? parsed.type : null;
  if (named && named.domain === NOTIFICATION_DOMAIN && LOOPING_NAMES.has(named.name)) {
    return `"${pattern}" names an outcome of notification deliveries; delivering them would loop`;
  }
  if (!knownTypes.some((type) => patternMatches(pattern, type))) return `"${pattern}" matches no event type`;
  return null;
}
