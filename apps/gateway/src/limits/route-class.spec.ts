import { loadGatewayConfig } from '../config';
import { quotaOf, RouteClass, routeClassOf } from './route-class';

describe('route classes', () => {
  it.each([
    ['GET', '/v1/incidents/:id', RouteClass.Read],
    ['HEAD', '/v1/incidents', RouteClass.Read],
    ['POST', '/v1/incidents', RouteClass.Write],
    ['PATCH', '/v1/incidents/:id', RouteClass.Write],
    ['DELETE', '/v1/notifications/subscriptions/:id', RouteClass.Write],
    ['POST', '/v1/cmdb/imports', RouteClass.Import],
    ['POST', '/v1/cmdb/imports/kubernetes', RouteClass.Import],
    ['GET', '/v1/reports/incidents/volume', RouteClass.Report],
    ['GET', '/v1/reports', RouteClass.Report],
    ['GET', '/v1/audit', RouteClass.Report],
    ['GET', '/v1/sla/reports/compliance', RouteClass.Read],
    ['GET', '/v1/auditors', RouteClass.Read],
    ['POST', '/v1/cmdb/importers', RouteClass.Write],
  ])('counts %s %s as %s', (method, path, expected) => {
    expect(routeClassOf(method, path)).toBe(expected);
  });

  it('takes each class’s quota from its own setting', () => {
    const config = loadGatewayConfig({
      JWT_SECRET: 'x'.repeat(64),
      RATE_LIMIT_READ_PER_WINDOW: '11',
      RATE_LIMIT_WRITE_PER_WINDOW: '12',
      RATE_LIMIT_IMPORT_PER_WINDOW: '13',
      RATE_LIMIT_REPORT_PER_WINDOW: '14',
    });

    expect(Object.values(RouteClass).map((routeClass) => quotaOf(routeClass, config))).toEqual([11, 12, 13, 14]);
  });
});
