#!/usr/bin/env node
'use strict';
/** Container health check: exits 0 when the app that APP names answers 200 on /health/ready. */
const { APPS, healthPortOf } = require('./apps');

const app = process.env.APP;
if (!APPS[app]) {
  process.stderr.write(`APP must be one of: ${Object.keys(APPS).join(', ')}\n`);
  process.exit(1);
}
fetch(`http://127.0.0.1:${healthPortOf(app)}/health/ready`, { signal: AbortSignal.timeout(4_000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
