'use strict';
/**
 * The suite's processes and the port each one answers health checks on when nothing else is set: the gateway on
 * its API port (PORT), every service on its health and metrics port (HEALTH_PORT). The defaults match each app's
 * config.ts (a unit test keeps them together); `npm start`, the container's entry point and its health check read
 * them from here.
 */
const APPS = Object.freeze({
  gateway: { portVariable: 'PORT', defaultPort: 3000 },
  incident: { portVariable: 'HEALTH_PORT', defaultPort: 3101 },
  problem: { portVariable: 'HEALTH_PORT', defaultPort: 3102 },
  change: { portVariable: 'HEALTH_PORT', defaultPort: 3103 },
  cmdb: { portVariable: 'HEALTH_PORT', defaultPort: 3104 },
  sla: { portVariable: 'HEALTH_PORT', defaultPort: 3105 },
  knowledge: { portVariable: 'HEALTH_PORT', defaultPort: 3106 },
  notification: { portVariable: 'HEALTH_PORT', defaultPort: 3107 },
});

const APP_NAMES = Object.keys(APPS);
const SERVICE_NAMES = APP_NAMES.filter((name) => name !== 'gateway');

/** The port `app` answers /health on, given its environment. */
function healthPortOf(app, env = process.env) {
  const { portVariable, defaultPort } = APPS[app];
  const configured = env[portVariable];
  return configured === undefined || configured === '' ? defaultPort : Number(configured);
}

module.exports = { APPS, APP_NAMES, SERVICE_NAMES, healthPortOf };
