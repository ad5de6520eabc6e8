import { ApiProperty } from '@nestjs/swagger';
import { CSV_MEDIA_TYPE, REPORT_JSON_MEDIA_TYPE } from './csv';

export const REPORT_FORMATS = [REPORT_JSON_MEDIA_TYPE, CSV_MEDIA_TYPE] as const;
export type ReportMediaType = (typeof REPORT_FORMATS)[number];

/** A query parameter of a report, as its route declares it. */
export class ReportParameter {
  @ApiProperty({ example: 'from' })
  name!: string;

  @ApiProperty({ description: 'Whether the report refuses a request without it (400 naming it).', example: true })
  required!: boolean;

  @ApiProperty({ example: 'string', description: 'JSON Schema type of the value: `string`, `integer`, `number` or `boolean`.' })
  type!: string;

  @ApiProperty({ nullable: true, type: String, example: 'date-time' })
  format!: string | null;

  @ApiProperty({ nullable: true, type: [String], description: 'The values it takes, when it takes only some.', example: ['policy', 'priority', 'service', 'group'] })
  enum!: string[] | null;

  @ApiProperty({ nullable: true, type: String, description: 'What it is when not given, as written in a query string.', example: '10' })
  default!: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 1 })
  minimum!: number | null;

  @ApiProperty({ nullable: true, type: Number, example: 100 })
  maximum!: number | null;

  @ApiProperty({ nullable: true, type: String, example: 'Start of the period (inclusive).' })
  description!: string | null;
}

/** One report route. */
export class ReportRoute {
  @ApiProperty({ example: 'sla-compliance', description: 'Its path after `/v1/reports/`, `/` written `-`; also the start of its CSV file name.' })
  name!: string;

  @ApiProperty({ example: '/v1/reports/sla/compliance', description: 'Where to `GET` it.' })
  path!: string;

  @ApiProperty({ example: 'SLA compliance over a period, per policy, priority, service or assignment group.' })
  summary!: string;

  @ApiProperty({ nullable: true, type: String, description: 'What it counts and how; the same text as in the OpenAPI document.', example: 'The period is `from` (inclusive) to `to` (exclusive), ISO 8601 instants.' })
  description!: string | null;

  @ApiProperty({ type: [ReportParameter] })
  parameters!: ReportParameter[];

  @ApiProperty({ enum: REPORT_FORMATS, isArray: true, description: 'The media types it answers, chosen by `Accept`; the first is the default.', example: [...REPORT_FORMATS] })
  formats!: ReportMediaType[];
}

/** Every report route of the gateway, by path. */
export class ReportIndex {
  @ApiProperty({ type: [ReportRoute] })
  items!: ReportRoute[];
}
