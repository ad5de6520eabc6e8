import type { GatewayConfig } from '../config';

/** What a request is counted as: each class has its own quota, so a flood of one never uses up another. */
export enum RouteClass {
  Read = 'read',
  Write = 'write',
  Import = 'import',
  Report = 'report',
}

const REPORT_PREFIXES = ['/v1/reports', '/v1/audit'];

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * The class of a request by its method and path (the route template where known): CMDB imports and reports are
 * costly whatever their method, the rest are reads (GET, HEAD) or writes.
 */
export function routeClassOf(method: string, path: string): RouteClass {
  if (path.split('/').includes('imports')) return RouteClass.Import;
  if (REPORT_PREFIXES.some((prefix) => isUnder(path, prefix))) return RouteClass.Report;
  return method === 'GET' || method === 'HEAD' ? RouteClass.Read : RouteClass.Write;
}

/** Requests of a class one client may make per window. */
export function quotaOf(routeClass: RouteClass, config: GatewayConfig): number {
  switch (routeClass) {
    case RouteClass.Read:
      return config.RATE_LIMIT_READ_PER_WINDOW;
    case RouteClass.Write:
      return config.RATE_LIMIT_WRITE_PER_WINDOW;
    case RouteClass.Import:
      return config.RATE_LIMIT_IMPORT_PER_WINDOW;
    case RouteClass.Report:
      return config.RATE_LIMIT_REPORT_PER_WINDOW;
  }
}
