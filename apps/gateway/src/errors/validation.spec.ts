import { Type } from 'class-transformer';
import { IsString, Length, ValidateNested } from 'class-validator';
import { CreateIncidentDto, DomainError, ErrorCode } from '@itsm/contracts';
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

async function rejection(metatype: new () => object, value: unknown, type: 'body' | 'param' = 'body'): Promise<DomainError> {
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
      { field: 'branches.1.city', message: expect.stringMatching(/^city must be longer than or equal to 2/) },
      { field: 'branches.1.city', message: 'city must be a string' },
    ]);
    expect(error.message).toBe('request has invalid fields: address.city, branches.1.city');
  });

  it('names an unknown field and a value outside an enum', async () => {
    const error = await rejection(CreateIncidentDto, { title: 'VPN is down', impact: 'enormous', urgency: 1, priority: 1 });

    expect(error.details?.errors).toEqual(
      expect.arrayContaining([
        { field: 'priority', message: 'property priority should not exist' },
        { field: 'impact', message: 'impact must be 1 (high), 2 (medium) or 3 (low)' },
      ]),
    );
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
