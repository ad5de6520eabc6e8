import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import { API_PREFIX } from '../gateway.tokens';
import { CSV_REPORT } from './csv-report';
import { reportNameOf } from './csv';
import { REPORT_FORMATS, type ReportMediaType, type ReportParameter, type ReportRoute } from './report-index.dto';

export const REPORTS_PATH = `/${API_PREFIX}/reports`;

type Class = abstract new (...args: never[]) => unknown;

/** What `@ApiProperty` recorded of a field: the part the index passes on. */
interface PropertyMetadata {
  required?: boolean;
  type?: unknown;
  format?: string;
  enum?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  description?: string;
}

function pathsOf(metadata: unknown): string[] {
  const paths = Array.isArray(metadata) ? metadata : [metadata ?? ''];
  return paths.map((path) => String(path).replace(/^\/+|\/+$/g, ''));
}

function typeName(type: unknown): string {
  if (type === Number) return 'number';
  if (type === Boolean) return 'boolean';
  if (typeof type === 'string') return type;
  return 'string';
}

function enumValues(values: unknown): string[] | null {
  if (Array.isArray(values)) return values.map(String);
  // A TypeScript enum: its values (a numeric enum also maps each number back to its name, which is no value).
  if (typeof values === 'object' && values !== null) return [...new Set(Object.values(values).filter((value) => typeof value === 'string' || typeof value === 'number').map(String))];
  return null;
}

/** The query parameters of a handler: the fields of the class its `@Query()` argument is validated with. */
function queryParameters(controller: Class, method: string): ReportParameter[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number }>;
  const query = Object.entries(args).find(([key]) => Number(key.split(':')[0]) === Number(RouteParamtypes.QUERY));
  if (!query) return [];
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as unknown[];
  const dto = types[query[1].index];
  if (typeof dto !== 'function') return [];
  const names = ((Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) ?? []) as string[]).map((name) => name.replace(/^:/, ''));
  return [...new Set(names)].map((name) => {
    const property = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, name) ?? {}) as PropertyMetadata;
    const type = property.type ?? Reflect.getMetadata('design:type', dto.prototype, name);
    return {
      name,
      required: property.required !== false,
      type: typeName(type),
      format: property.format ?? null,
      enum: enumValues(property.enum),
      default: property.default === undefined ? null : String(property.default),
      minimum: property.minimum ?? null,
      maximum: property.maximum ?? null,
      description: property.description ?? null,
    };
  });
}

/**
 * The index of the reports, read from the routes themselves (path, `@ApiOperation`, the query class, `@CsvReport`),
 * the same declarations the OpenAPI document is made from: a report added to any controller is listed without
 * anything else to edit.
 */
@Injectable()
export class ReportIndexService {
  private routes?: ReportRoute[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  list(): ReportRoute[] {
    this.routes ??= this.scan();
    return this.routes;
  }

  private scan(): ReportRoute[] {
    const routes: ReportRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Class | null;
      if (!controller) continue;
      for (const method of this.scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[method];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
        for (const base of pathsOf(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const own of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
            const path = `/${[API_PREFIX, base, own].filter((part) => part !== '').join('/')}`;
            if (path.startsWith(`${REPORTS_PATH}/`)) routes.push(this.entry(controller, method, handler, path));
          }
        }
      }
    }
    return routes.sort((a, b) => a.path.localeCompare(b.path));
  }

  private entry(controller: Class, method: string, handler: object, path: string): ReportRoute {
    const operation = (Reflect.getMetadata(DECORATORS.API_OPERATION, handler) ?? {}) as { summary?: string; description?: string };
    const formats: ReportMediaType[] = Reflect.getMetadata(CSV_REPORT, handler) ? [...REPORT_FORMATS] : [REPORT_FORMATS[0]];
    return {
      name: reportNameOf(path),
      path,
      summary: operation.summary ?? '',
      description: operation.description ?? null,
      parameters: queryParameters(controller, method),
      formats,
    };
  }
}
