/**
 * The OpenAPI document the gateway serves passes Redocly (`recommended`, redocly.yaml) and Spectral (`spectral:oas`,
 * .spectral.yaml) without an error; the warnings left are counted in the output.
 */
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, type RulesetDefinition, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { parse } from 'yaml';
import { type Gateway } from '../src/gateway';
import { startGateway } from './support/listening-gateway';

const ROOT = join(__dirname, '..', '..', '..');

interface Finding {
  rule: string;
  severity: 'error' | 'warn';
  message: string;
  at: string;
}

/** Redocly under redocly.yaml, in a node process of its own (see support/redocly-lint.mjs). */
function lintWithRedocly(document: string): Promise<Finding[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'support', 'redocly-lint.mjs')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Finding[]) : reject(new Error(`redocly lint exited ${code}: ${err}`))));
    child.stdin.end(document);
  });
}

/** .spectral.yaml names the built-in ruleset as the CLI reads it; here it is the ruleset object of that name. */
function spectralRuleset(): RulesetDefinition {
  const file = parse(readFileSync(join(ROOT, '.spectral.yaml'), 'utf8')) as { extends?: unknown; rules?: Record<string, unknown> };
  const extended = [file.extends].flat();
  if (extended.length !== 1 || extended[0] !== 'spectral:oas') throw new Error('.spectral.yaml is expected to extend spectral:oas alone');
  return { extends: [oas], ...(file.rules ? { rules: file.rules } : {}) } as RulesetDefinition;
}

/**
 * The status of a GET on a connection of its own. The linters keep this process's event loop busy for a minute, so
 * a kept-alive connection from before them may be closing by the server's keep-alive timeout just as it is reused.
 */
function statusOnNewConnection(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode));
    }).once('error', reject);
  });
}

const SPECTRAL_SEVERITY: Record<number, Finding['severity'] | undefined> = { 0: 'error', 1: 'warn' };

async function lintWithSpectral(document: string): Promise<Finding[]> {
  const spectral = new Spectral();
  spectral.setRuleset(spectralRuleset());
  const results = await spectral.run(new Document(document, Json, 'openapi.json'));
  return results.flatMap((result) => {
    const severity = SPECTRAL_SEVERITY[result.severity];
    return severity ? [{ rule: String(result.code), severity, message: result.message, at: `#/${result.path.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` }] : [];
  });
}

function report(linter: string, findings: Finding[]): Finding[] {
  const warnings = findings.filter((finding) => finding.severity === 'warn');
  const perRule = new Map<string, number>();
  for (const warning of warnings) perRule.set(warning.rule, (perRule.get(warning.rule) ?? 0) + 1);
  const rules = [...perRule].sort((a, b) => b[1] - a[1]).map(([rule, count]) => `${rule} ${count}`);
  console.log(`OpenAPI lint, ${linter}: ${findings.length - warnings.length} errors, ${warnings.length} warnings${rules.length ? ` (${rules.join(', ')})` : ''}`);
  return findings.filter((finding) => finding.severity === 'error');
}

describe('the OpenAPI document', () => {
  let gateway: Gateway | undefined;
  let document: string;
  let baseUrl: string;
  let spectralRun: Promise<Finding[]> | undefined;
  const spectralFindings = (): Promise<Finding[]> => (spectralRun ??= lintWithSpectral(document));

  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway());
    document = await (await fetch(`${baseUrl}/openapi.json`)).text();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('has no error by Redocly, recommended ruleset', async () => {
    await expect(lintWithRedocly(document).then((findings) => report('Redocly recommended', findings))).resolves.toEqual([]);
  });

  it('has no error by Spectral, spectral:oas ruleset', async () => {
    await expect(spectralFindings().then((findings) => report('Spectral spectral:oas', findings))).resolves.toEqual([]);
  });

  it('lists every tag its operations use, each with a description', async () => {
    const tagRules = ['operation-tag-defined', 'tag-description'];
    await expect(spectralFindings().then((findings) => findings.filter((finding) => tagRules.includes(finding.rule)))).resolves.toEqual([]);
  });

  it('declares no security only on the routes that answer without a token', async () => {
    const { paths } = JSON.parse(document) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const open = Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => (operation.security?.length === 0 ? [`${method.toUpperCase()} ${path}`] : [])),
    );
    expect(open).toEqual(['GET /health/live', 'GET /health/ready']);
    const statuses = await Promise.all(open.map((route) => statusOnNewConnection(`${baseUrl}${route.split(' ')[1]}`)));
    expect(statuses).toEqual([200, 200]);
  });
});
