import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { Role } from '@itsm/contracts';
import { mintToken } from '@itsm/testing';
import { createOpenApiDocument } from '../../src/docs/openapi-document';
import { type RunningSuite, startSuite } from './suite';

const ROOT = join(__dirname, '..', '..', '..', '..');
const MODULES = join(ROOT, 'node_modules');
const agent = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });

/**
 * A script as a user of `@itsm/client` writes it: no casts, no `any`; a field with a default (`channel`) left out;
 * `changes[].to` read as `unknown`; an error read as problem+json. It prints one JSON line per step.
 */
const SCRIPT = `
import { createItsmClient, type Problem } from '@itsm/client';

const [baseUrl = '', token = ''] = process.argv.slice(2);
const client = createItsmClient({ baseUrl, token });
const print = (step: string, value: object): void => console.log(JSON.stringify({ step, ...value }));
const fail = (what: string, status: number, problem: Problem | undefined): never => {
  throw new Error(what + ' answered ' + status + ': ' + JSON.stringify(problem));
};

async function main(): Promise<void> {
  const created = await client.POST('/v1/incidents', { body: { title: 'VPN drops every 10 minutes', impact: 2, urgency: 2, category: 'network' } });
  if (!created.data) return fail('create', created.response.status, created.error);
  const id: string = created.data.id;
  print('created', { status: created.response.status, number: created.data.number, priority: created.data.priority, channel: created.data.channel });

  const read = await client.GET('/v1/incidents/{id}', { params: { path: { id } } });
  if (!read.data) return fail('get', read.response.status, read.error);
  const etag = read.response.headers.get('etag') ?? '';
  print('read', { title: read.data.title, version: read.data.version, etag });

  const updated = await client.PATCH('/v1/incidents/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body: { title: 'VPN drops every 5 minutes', urgency: 1 } });
  if (!updated.data) return fail('update', updated.response.status, updated.error);
  print('updated', { version: updated.data.version, priority: updated.data.priority });

  const stale = await client.PATCH('/v1/incidents/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body: { title: 'Lost update' } });
  print('stale', { status: stale.response.status, contentType: stale.response.headers.get('content-type'), code: stale.error?.code, reason: stale.error?.reason });

  const listed = await client.GET('/v1/incidents', { params: { query: { category: 'network', state: ['new', 'in_progress'], sort: '-createdAt', limit: 10 } } });
  if (!listed.data) return fail('list', listed.response.status, listed.error);
  print('listed', { numbers: listed.data.items.map((incident) => incident.number), nextCursor: listed.data.nextCursor });

  const history = await client.GET('/v1/incidents/{id}/history', { params: { path: { id } } });
  if (!history.data) return fail('history', history.response.status, history.error);
  const changes: { field: string; to: string }[] = [];
  for (const entry of history.data.items) {
    for (const change of entry.changes) {
      const to: unknown = change.to;
      changes.push({ field: change.field, to: typeof to === 'string' ? 'string:' + to : typeof to === 'number' ? 'number:' + to : typeof to });
    }
  }
  print('history', { changes });

  const missing = await client.GET('/v1/incidents/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } });
  print('missing', { status: missing.response.status, code: missing.error?.code, reason: missing.error?.reason });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

/** Type errors of the script under `strict`, as tsc prints them; the client resolves through node_modules as it would for any script. */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: ['node'],
    typeRoots: [join(MODULES, '@types')],
    paths: { '*': [join(MODULES, '*')] },
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
}

describe('@itsm/client, generated from the document the gateway serves', () => {
  let suite: RunningSuite;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'itsm-client-'));
    suite = await startSuite(['incident']);
  }, 120_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await suite?.stop();
  }, 60_000);

  it('was generated from the very document the running gateway serves', async () => {
    const served = await fetch(`${suite.baseUrl}/openapi.json`);
    expect(served.status).toBe(200);
    const generated: unknown = JSON.parse(readFileSync(join(ROOT, 'libs', 'client', 'generated', 'openapi.json'), 'utf8'));
    expect(generated).toEqual(await served.json());
  });

  it('builds the document without NATS, byte for byte the same each time', async () => {
    const first = JSON.stringify(await createOpenApiDocument());
    expect(JSON.stringify(await createOpenApiDocument())).toBe(first);
    expect(JSON.parse(first)).toEqual(JSON.parse(readFileSync(join(ROOT, 'libs', 'client', 'generated', 'openapi.json'), 'utf8')));
  });

  it('types a script that passes tsc --strict and runs it against the suite', async () => {
    const source = join(dir, 'script.ts');
    writeFileSync(source, SCRIPT);
    expect(typeErrors(source)).toEqual([]);

    const script = join(dir, 'script.js');
    writeFileSync(script, ts.transpileModule(SCRIPT, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
    const { stdout } = await promisify(execFile)(process.execPath, [script, suite.baseUrl, agent], { env: { ...process.env, NODE_PATH: MODULES } });
    const steps: Record<string, Record<string, unknown>> = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { step: string })
        .map(({ step, ...rest }) => [step, rest]),
    );

    expect(steps['created']).toMatchObject({ status: 201, priority: 'P3', channel: 'api' });
    expect(steps['created']).toHaveProperty('number', expect.stringMatching(/^INC\d{7}$/));
    expect(steps['read']).toEqual({ title: 'VPN drops every 10 minutes', version: 1, etag: '"1"' });
    expect(steps['updated']).toEqual({ version: 2, priority: 'P2' });
    expect(steps['stale']).toMatchObject({ status: 412, contentType: expect.stringContaining('application/problem+json'), code: 'PRECONDITION_FAILED' });
    expect(steps['listed']).toEqual({ numbers: [steps['created']?.number], nextCursor: null });
    expect(steps['history']?.changes).toEqual(expect.arrayContaining([{ field: 'title', to: 'string:VPN drops every 5 minutes' }, { field: 'urgency', to: 'number:1' }]));
    expect(steps['missing']).toMatchObject({ status: 404, code: 'NOT_FOUND', reason: 'INCIDENT_NOT_FOUND' });
  }, 60_000);
});
