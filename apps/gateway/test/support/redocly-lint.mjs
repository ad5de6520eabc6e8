/**
 * Lints the OpenAPI document read from stdin with Redocly under the repository's `redocly.yaml` and prints the
 * problems as a JSON array. A script of its own because @redocly/openapi-core is an ES module, which jest cannot load.
 */
import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { fileURLToPath } from 'node:url';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const config = await loadConfig({ configPath: fileURLToPath(new URL('../../../../redocly.yaml', import.meta.url)) });
const problems = await lintFromString({ source: Buffer.concat(chunks).toString('utf8'), absoluteRef: 'openapi.json', config });
const found = problems
  .filter((problem) => !problem.ignored)
  .map((problem) => ({ rule: problem.ruleId, severity: problem.severity, message: problem.message, at: problem.location[0]?.pointer ?? '' }));
process.stdout.write(JSON.stringify(found));
