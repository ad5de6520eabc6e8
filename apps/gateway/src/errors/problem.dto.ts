import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AllErrorReasons, ErrorCode } from '@itsm/contracts';

export class FieldErrorDto {
  @ApiProperty({ description: 'Dotted path of the field; empty for the request as a whole.', example: 'impact' })
  field!: string;

  @ApiProperty({ example: 'impact must be one of the following values: high, medium, low' })
  message!: string;
}

/** RFC 9457 problem details, served as `application/problem+json`. */
export class ProblemDto {
  @ApiProperty({ description: 'Problem type URI: `urn:itsm:problem:<code>`, or `about:blank` for a bare HTTP status.', example: 'urn:itsm:problem:not-found' })
  type!: string;

  @ApiProperty({ example: 'Not found' })
  title!: string;

  @ApiProperty({ example: 404 })
  status!: number;

  @ApiProperty({ example: 'incident 3f0c… does not exist' })
  detail!: string;

  @ApiProperty({ description: 'Path of the request that failed.', example: '/v1/incidents/3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10' })
  instance!: string;

  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode' })
  code!: ErrorCode;

  @ApiPropertyOptional({
    enum: AllErrorReasons,
    description: 'What exactly was refused, as a code of the domain that refused it; two problems of one `code` are told apart by it.',
    example: 'INCIDENT_REOPEN_WINDOW_PASSED',
  })
  reason?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'One entry per invalid field (400 only).' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Id of the log entry of an unexpected error (500 only); quote it when reporting.' })
  errorId?: string;

  @ApiPropertyOptional({ type: [String], description: 'States a refused transition could have moved to (409 INVALID_TRANSITION).', example: ['in_progress', 'canceled', 'merged'] })
  allowed?: string[];

  @ApiPropertyOptional({ description: 'The record’s current version, when `If-Match` named an older one (412).', example: 4 })
  currentVersion?: number;
}
