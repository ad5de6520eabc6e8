import 'reflect-metadata';
// @ts-expect-error class-transformer ships this module's types under types/, not beside the CommonJS build.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import type { MetadataStorage as ClassTransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { Allow, getMetadataStorage, IsOptional, IsString, ValidateNested, ValidationTypes } from 'class-validator';
import { Type } from 'class-transformer';
import { CreateCiDto } from './cmdb';
import { CreateIncidentDto, Impact, Urgency } from './incident';
import type { ClassOf } from './message';
import { AllRpc } from './registry';
import { OptionalNotNull } from './transforms';
import { closestName, editDistance, inputProblems, MAX_INPUT_DEPTH, validatePayload } from './validation';

describe('validatePayload', () => {
  it('accepts a payload that follows the declared class', async () => {
    await expect(validatePayload(CreateIncidentDto, { title: 'Laptop will not boot', impact: Impact.Low, urgency: Urgency.High })).resolves.toMatchObject({ ok: true });
  });

  it('names every wrong, missing and unknown field', async () => {
    const result = await validatePayload(CreateIncidentDto, { title: 'ok title', impact: 'catastrophic', extra: 1 });
    expect(result.ok).toBe(false);
    const fields = result.ok ? [] : result.errors.map((error) => error.field).sort();
    expect(fields).toEqual(['extra', 'impact', 'urgency']);
  });

  it('refuses something that is not an object', async () => {
    for (const value of [null, 'text', 42, [1, 2]]) {
      await expect(validatePayload(CreateIncidentDto, value)).resolves.toEqual({ ok: false, errors: [{ field: '', message: 'payload must be a JSON object' }] });
    }
  });
});

describe('one message per field', () => {
  it('says a missing field is required, whatever its other rules', async () => {
    const result = await validatePayload(CreateCiDto, { className: 'database', name: 'payroll-db', attributes: {} });

    expect(result).toEqual({ ok: false, errors: [{ field: 'environment', message: 'environment is required' }] });
  });

  it('says only the type rule of a value of the wrong kind', async () => {
    const result = await validatePayload(CreateIncidentDto, { title: 42, impact: Impact.Low, urgency: Urgency.High });

    expect(result).toEqual({ ok: false, errors: [{ field: 'title', message: 'title must be a string' }] });
  });

  it('says the first rule the class declares when the kind is right', async () => {
    const result = await validatePayload(CreateCiDto, { className: 'database', name: '', environment: 'prod', attributes: {} });

    expect(result).toEqual({ ok: false, errors: [{ field: 'name', message: 'name must be longer than or equal to 1 characters' }] });
  });

  it('names the declared field an unknown one most likely meant, and none when nothing is close', async () => {
    const result = await validatePayload(CreateIncidentDto, { titel: 'VPN is down', impact: Impact.Low, urgency: Urgency.High, priority: 1 });

    expect(result.ok ? [] : result.errors.filter((error) => error.field !== 'title')).toEqual([
      { field: 'titel', message: 'titel is not a field of this message; did you mean title?' },
      { field: 'priority', message: 'priority is not a field of this message' },
    ]);
  });
});

describe('closestName', () => {
  const filters = ['state', 'priority', 'assignmentGroup', 'assigneeId', 'callerId', 'ciId', 'createdFrom', 'limit', 'cursor'];

  it.each([
    ['assignee', 'assigneeId'],
    ['limt', 'limit'],
    ['cusror', 'cursor'],
    ['Priority', 'priority'],
    ['createdfrom', 'createdFrom'],
    ['states', 'state'],
  ])('takes %s for %s', (unknown, meant) => {
    expect(closestName(unknown, filters)).toBe(meant);
  });

  it.each(['owner', 'id', 'q', 'sortBy'])('suggests nothing for %s', (unknown) => {
    expect(closestName(unknown, filters)).toBeUndefined();
  });

  it('counts a swap of two neighbours as one edit', () => {
    expect(editDistance('titel', 'title')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('rules of every value', () => {
  const unsafe = 'must not contain NUL or unpaired surrogate characters';

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate', 'x\udc00'],
    ['a high surrogate before a non-surrogate', '\ud83dx'],
  ])('refuses a string with %s, naming the field', async (_what, text) => {
    await expect(validatePayload(CreateIncidentDto, { title: text, impact: Impact.Low, urgency: Urgency.High })).resolves.toEqual({
      ok: false,
      errors: [{ field: 'title', message: `title ${unsafe}` }],
    });
  });

  it('takes a surrogate pair (an emoji) as the character it is', async () => {
    await expect(validatePayload(CreateIncidentDto, { title: 'VPN is down 🔥', impact: Impact.Low, urgency: Urgency.High })).resolves.toMatchObject({ ok: true });
  });

  it('finds such strings at any depth, in arrays, map values and keys', () => {
    const problems = inputProblems({ a: { b: ['ok', 'x\u0000'] }, map: { 'k\ud800': 'v', fine: 'w\udfff' } });

    expect(problems).toEqual([
      { field: 'a.b.1', message: `a.b.1 ${unsafe}` },
      { field: 'map', message: `field names in map ${unsafe}` },
      { field: 'map.fine', message: `map.fine ${unsafe}` },
    ]);
  });

  it('names a path or query parameter by its name', () => {
    expect(inputProblems('a\u0000b', 'id', 'path')).toEqual([{ field: 'id', message: `id ${unsafe}` }]);
  });

  it(`refuses objects and arrays nested deeper than ${MAX_INPUT_DEPTH} levels, before walking them`, async () => {
    const nest = (levels: number): object => (levels <= 1 ? {} : { x: nest(levels - 1) });
    const deep = JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`) as object;

    expect(inputProblems(nest(MAX_INPUT_DEPTH))).toEqual([]);
    expect(inputProblems(nest(MAX_INPUT_DEPTH + 1))).toEqual([{ field: '', message: `payload must not nest objects and arrays deeper than ${MAX_INPUT_DEPTH} levels` }]);
    await expect(validatePayload(CreateIncidentDto, { title: 'ok title', impact: Impact.Low, urgency: Urgency.High, extra: deep })).resolves.toEqual({
      ok: false,
      errors: [{ field: '', message: `payload must not nest objects and arrays deeper than ${MAX_INPUT_DEPTH} levels` }],
    });
  });
});

class Inner {
  @IsString()
  name!: string;

  @IsOptional()
  @IsString()
  note?: string;
}

class Outer {
  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;

  @ValidateNested({ each: true })
  @Type(() => Inner)
  list!: Inner[];

  @OptionalNotNull()
  @ValidateNested()
  @Type(() => Inner)
  extra?: Inner;

  @Allow()
  anything!: unknown;
}

describe('a declared property that is not optional is required', () => {
  it('says so for a nested object, whose own rules let an absent value pass', async () => {
    await expect(validatePayload(Outer, { list: [] })).resolves.toEqual({ ok: false, errors: [{ field: 'inner', message: 'inner is required' }] });
  });

  it('says so inside nested objects and array items', async () => {
    await expect(validatePayload(Outer, { inner: {}, list: [{ name: 'a' }, {}] })).resolves.toEqual({
      ok: false,
      errors: [
        { field: 'inner.name', message: 'name is required' },
        { field: 'list.1.name', message: 'name is required' },
      ],
    });
  });

  it('lets optional properties, and one that takes any value, be left out', async () => {
    await expect(validatePayload(Outer, { inner: { name: 'a' }, list: [] })).resolves.toMatchObject({ ok: true });
  });
});

const classTransformerStorage = defaultMetadataStorage as ClassTransformerMetadataStorage;
const BUILT_IN_TYPES: readonly unknown[] = [String, Number, Boolean, Array, Object, Date, Map, Set];

/** The request classes of every RPC the gateway calls, and every class nested in them. */
function requestClasses(): ClassOf<object>[] {
  const found = new Set<ClassOf<object>>();
  const queue = AllRpc.map((rpc) => rpc.request as ClassOf<object>);
  for (let cls = queue.shift(); cls; cls = queue.shift()) {
    if (found.has(cls)) continue;
    found.add(cls);
    for (const rule of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
      if (rule.type !== ValidationTypes.NESTED_VALIDATION) continue;
      const declared: unknown = classTransformerStorage.findTypeMetadata(cls, rule.propertyName)?.typeFunction();
      const type: unknown = declared ?? Reflect.getMetadata('design:type', cls.prototype as object, rule.propertyName);
      if (typeof type === 'function' && !BUILT_IN_TYPES.includes(type)) queue.push(type as ClassOf<object>);
    }
  }
  return [...found];
}

describe('request classes keep the promises of the API document', () => {
  it('is refused by every property of every request class that @ApiProperty does not declare nullable', async () => {
    const accepted: string[] = [];
    for (const cls of requestClasses()) {
      const properties = new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((rule) => rule.propertyName));
      for (const property of properties) {
        const api = Reflect.getMetadata('swagger/apiModelProperties', cls.prototype as object, property) as { nullable?: boolean } | undefined;
        if (api?.nullable === true) continue;
        const result = await validatePayload(cls, { [property]: null });
        if (result.ok || !result.errors.some((error) => error.field === property)) accepted.push(`${cls.name}.${property}`);
      }
    }

    expect(accepted).toEqual([]);
  });

  it('and a property is required by validation exactly when @ApiProperty says it is', () => {
    const disagreeing: string[] = [];
    for (const cls of requestClasses()) {
      const rules = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
      const optional = new Set(rules.filter((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION).map((rule) => rule.propertyName));
      for (const property of new Set(rules.filter((rule) => rule.type !== ValidationTypes.WHITELIST).map((rule) => rule.propertyName))) {
        const api = Reflect.getMetadata('swagger/apiModelProperties', cls.prototype as object, property) as { required?: boolean } | undefined;
        if (api !== undefined && (api.required === false) !== optional.has(property)) disagreeing.push(`${cls.name}.${property}`);
      }
    }

    expect(disagreeing).toEqual([]);
  });
});
