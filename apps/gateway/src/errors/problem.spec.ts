import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { DomainError, ErrorCode, HTTP_STATUS_BY_CODE } from '@itsm/contracts';
import { RpcError } from '@itsm/messaging';
import { codeForStatus, problemType, toProblem } from './problem';

const FIXED_ID = '00000000-0000-4000-8000-000000000000';
const fixedId = (): string => FIXED_ID;

describe('toProblem', () => {
  it.each(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL))('answers %s with the status of its code', (code) => {
    const { problem, log } = toProblem(new RpcError(code, 'something about it'), '/v1/incidents');

    expect(problem).toEqual({
      type: problemType(code),
      title: expect.any(String),
      status: HTTP_STATUS_BY_CODE[code],
      detail: 'something about it',
      instance: '/v1/incidents',
      code,
    });
    expect(log).toBeUndefined();
  });

  it('maps the suite\'s codes to the statuses the architecture names', () => {
    expect(Object.fromEntries(Object.values(ErrorCode).map((code) => [code, toProblem(new DomainError(code, 'x'), '/', fixedId).problem.status]))).toEqual({
      VALIDATION: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      INVALID_TRANSITION: 409,
      PRECONDITION_FAILED: 412,
      UNPROCESSABLE: 422,
      UNSUPPORTED_MEDIA_TYPE: 415,
      TOO_MANY_REQUESTS: 429,
      UNAVAILABLE: 503,
      TIMEOUT: 504,
      INTERNAL: 500,
    });
  });

  it('keeps the field errors of a validation error', () => {
    const error = new DomainError(ErrorCode.VALIDATION, 'request has invalid fields: impact', {
      errors: [{ field: 'impact', message: 'impact must be 1 (high), 2 (medium) or 3 (low)' }],
    });

    expect(toProblem(error, '/v1/incidents').problem.errors).toEqual([{ field: 'impact', message: 'impact must be 1 (high), 2 (medium) or 3 (low)' }]);
  });

  it('passes the details of a refused move on as extension members, but never over the standard ones', () => {
    const error = new DomainError(ErrorCode.INVALID_TRANSITION, 'an incident cannot move from new to closed', {
      from: 'new',
      to: 'closed',
      allowed: ['in_progress', 'canceled', 'merged'],
      status: 200,
      'bad-name': 1,
    });

    expect(toProblem(error, '/v1/incidents/1/transitions').problem).toEqual({
      type: problemType(ErrorCode.INVALID_TRANSITION),
      title: expect.any(String),
      status: 409,
      detail: 'an incident cannot move from new to closed',
      instance: '/v1/incidents/1/transitions',
      code: ErrorCode.INVALID_TRANSITION,
      from: 'new',
      to: 'closed',
      allowed: ['in_progress', 'canceled', 'merged'],
    });
  });

  it('answers INTERNAL with the errorId the service logged, and not its message', () => {
    const error = new RpcError(ErrorCode.INTERNAL, 'duplicate key value violates unique constraint', { errorId: 'abc-123' });

    const { problem, log } = toProblem(error, '/v1/incidents', fixedId);

    expect(problem).toEqual(expect.objectContaining({ status: 500, code: ErrorCode.INTERNAL, errorId: 'abc-123' }));
    expect(problem.detail).not.toContain('duplicate');
    expect(log).toEqual({ errorId: 'abc-123', cause: error });
  });

  it('answers an unexpected error with 500, a fresh errorId to log, and no internals', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'secret')");

    const { problem, log } = toProblem(error, '/v1/incidents', fixedId);

    expect(problem).toEqual(expect.objectContaining({ status: 500, code: ErrorCode.INTERNAL, errorId: FIXED_ID, instance: '/v1/incidents' }));
    expect(JSON.stringify(problem)).not.toContain('secret');
    expect(log).toEqual({ errorId: FIXED_ID, cause: error });
  });

  it('answers a code it does not know (a newer service) as an internal error', () => {
    const error = new RpcError('RATE_LIMITED' as ErrorCode, 'slow down');

    expect(toProblem(error, '/', fixedId).problem).toEqual(expect.objectContaining({ status: 500, code: ErrorCode.INTERNAL, errorId: FIXED_ID }));
  });

  it('keeps the status of Nest HTTP exceptions', () => {
    expect(toProblem(new NotFoundException('Cannot GET /v1/nothing'), '/v1/nothing').problem).toEqual(
      expect.objectContaining({ status: 404, code: ErrorCode.NOT_FOUND, detail: 'Cannot GET /v1/nothing', type: problemType(ErrorCode.NOT_FOUND) }),
    );
    expect(toProblem(new BadRequestException(['a is wrong', 'b is wrong']), '/').problem.detail).toBe('a is wrong; b is wrong');
  });

  it('keeps the status of Fastify errors, as a bare status problem when no code owns it', () => {
    const tooLarge = new HttpException('Request body is too large', 413);

    expect(toProblem(tooLarge, '/v1/incidents').problem).toEqual({
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: 'Request body is too large',
      instance: '/v1/incidents',
      code: ErrorCode.VALIDATION,
    });
  });

  it('hides the message of a 500 HTTP exception behind an errorId', () => {
    const { problem, log } = toProblem(new HttpException('pool exhausted at db-3', 500), '/', fixedId);

    expect(problem).toEqual(expect.objectContaining({ status: 500, errorId: FIXED_ID }));
    expect(problem.detail).not.toContain('db-3');
    expect(log?.errorId).toBe(FIXED_ID);
  });
});

describe('codeForStatus', () => {
  it.each([
    [400, ErrorCode.VALIDATION],
    [401, ErrorCode.UNAUTHENTICATED],
    [403, ErrorCode.FORBIDDEN],
    [404, ErrorCode.NOT_FOUND],
    [409, ErrorCode.CONFLICT],
    [412, ErrorCode.PRECONDITION_FAILED],
    [413, ErrorCode.VALIDATION],
    [415, ErrorCode.UNSUPPORTED_MEDIA_TYPE],
    [422, ErrorCode.UNPROCESSABLE],
    [429, ErrorCode.TOO_MANY_REQUESTS],
    [503, ErrorCode.UNAVAILABLE],
    [504, ErrorCode.TIMEOUT],
    [500, ErrorCode.INTERNAL],
  ])('gives HTTP %i the code %s', (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });
});
