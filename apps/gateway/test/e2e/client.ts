/** The gateway's HTTP API as the end-to-end tests call it. */

export interface Reply<T = unknown> {
  /** 0 when no answer came (connection refused or reset, or the client's own timeout). */
  status: number;
  headers: Headers;
  body: T;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class GatewayClient {
  /** `timeoutMs`: how long one call waits before it counts as unanswered (none by default). */
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs?: number,
  ) {}

  /** One call with a bearer token and an optional JSON body; a call that got no answer has status 0 and the error as body. */
  async call<T = unknown>(method: string, path: string, token: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(this.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(this.timeoutMs) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
    } catch (error) {
      return { status: 0, headers: new Headers(), body: String(error) as T };
    }
  }

  /** Every item of a list, following `nextCursor`. */
  async all<T>(path: string, token: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: Reply<Page<T>> = await this.call<Page<T>>('GET', `${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}: ${JSON.stringify(page.body)}`);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }
}
