import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from '../generated/schema';

export type { components, operations, paths };

/** A schema of the API by its name in the OpenAPI document: `Schema<'IncidentDto'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** Every error answer: RFC 9457 `application/problem+json` with the suite's `code` and `reason`. */
export type Problem = Schema<'ProblemDto'>;

/** The typed client: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` on the paths of the document, each answering `{ data, error, response }`. */
export type ItsmClient = Client<paths>;

export interface ItsmClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the gateway answers, without `/v1` (the paths carry it): `https://itsm.example.com`. */
  baseUrl: string;
  /** Bearer token (a JWT), or a function asked before every call, for tokens that expire. */
  token: string | (() => string | Promise<string>);
}

/** A client of the suite's REST API, typed by the OpenAPI document the gateway serves. */
export function createItsmClient({ token, ...options }: ItsmClientOptions): ItsmClient {
  const client = createClient<paths>(options);
  client.use({
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${typeof token === 'string' ? token : await token()}`);
      return request;
    },
  });
  return client;
}
