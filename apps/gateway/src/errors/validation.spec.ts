import { Type } from 'class-transformer';
import { IsString, Length, ValidateNested } from 'class-validator';
import { CommonErrorCode, CreateCiDto, CreateIncidentDto, DomainError, ErrorCode, IncidentFilters } from '@itsm/contracts';
import { createValidationPipe, validationExceptionFactory } from './validation';

class Address {
  @IsString()
  @Length(2, 50)
  city!: string;
}

class Site {
  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => Address)
  address!: Address;

  @ValidateNested({ each: true })
  @Type(() => Address)
  branches!: Address[];
}

async function rejection(metatype: new () => object, value: unknown, type: 'body' | 'query' | 'param' = 'body'): Promise<DomainError> {
  const pipe = createValidationPipe();
  try {
    await pipe.transform(value, { type, metatype });
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the value was accepted');
}

describe('validation errors', () => {
  it('names nested fields by their dotted path', async () => {
    const error = await rejection(Site, { name: 'HQ', address: { city: 'X' }, branches: [{ city: 'Zurich' }, { city: 7 }] });

    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.details?.errors).toEqual([
      { field: 'address.city', message: expect.stringMatching(/^city must be longer than or equal to 2/) },
      { field: 'branches.1.city', message: 'city must be a string' },
    ]);
    expect(error.message).toBe('request has invalid fields: address.city, branches.1.city');
  });

  it('names an unknown field and a value outside an enum', async () => {
    const error = await rejection(CreateIncidentDto, { title: 'VPN is down', impact: 'enormous', urgency: 1, priority: 1 });

    expect(error.details?.errors).toEqual(
      expect.arrayContaining([
        { field: 'priority', message: 'priority is not a field of this body' },
        { field: 'impact', message: 'impact must be 1 (high), 2 (medium) or 3 (low)' },
      ]),
    );
  });

  it('answers one message per field: required, then the type, then the first rule declared', async () => {
    const error = await rejection(CreateCiDto, { className: 'database', name: 7, attributes: {} });

    expect(error.details?.errors).toEqual([
      { field: 'name', message: 'name must be a string' },
      { field: 'environment', message: 'environment is required' },
    ]);
    expect(error.reason).toBe(CommonErrorCode.InvalidRequest);
  });

  it('says the range of limit once, whatever is wrong with it', async () => {
    const error = await rejection(IncidentFilters, { limit: 'abc' }, 'query');

    expect(error.details?.errors).toEqual([{ field: 'limit', message: 'limit must be an integer from 1 to 200' }]);
  });

  it('names the parameter an unknown one most likely meant', async () => {
    const error = await rejection(IncidentFilters, { assignee: 'sam', owner: 'sam' }, 'query');

    expect(error.details?.errors).toEqual([
      { field: 'assignee', message: 'assignee is not a parameter of this route; did you mean assigneeId?' },
      { field: 'owner', message: 'owner is not a parameter of this route' },
    ]);
  });

  it('names the body field an unknown one most likely meant', async () => {
    const error = await rejection(CreateIncidentDto, { title: 'VPN is down', impact: 3, urgency: 3, descripton: 'since 9:00' });

    expect(error.details?.errors).toEqual([{ field: 'descripton', message: 'descripton is not a field of this body; did you mean description?' }]);
  });

  it('still answers with one entry when class-validator names no field', () => {
    const error = validationExceptionFactory([]);

    expect(error.details?.errors).toEqual([{ field: '', message: 'request is not valid' }]);
  });

  it.each([
    ['no body', undefined],
    ['a text body', 'VPN is down'],
    ['an array', [{ title: 'VPN is down' }]],
    ['null', null],
  ])('refuses %s where a JSON object is expected', async (_label, value) => {
    const error = await rejection(CreateIncidentDto, value);

    expect(error.details?.errors).toEqual([{ field: '', message: 'body must be a JSON object' }]);
  });

  it('accepts a valid body and returns an instance of its class', async () => {
    const pipe = createValidationPipe();

    const value: unknown = await pipe.transform({ title: 'VPN is down', impact: 3, urgency: 3 }, { type: 'body', metatype: CreateIncidentDto });

    expect(value).toBeInstanceOf(CreateIncidentDto);
  });
});
