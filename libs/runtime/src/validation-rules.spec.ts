import 'reflect-metadata';
import { IsInt, IsString, Min, registerDecorator, validate } from 'class-validator';
import { cacheValidationRules } from './validation-rules';

class Base {
  @IsString()
  name!: unknown;
}

class Child extends Base {
  @IsInt()
  @Min(1)
  count!: unknown;
}

function failedFields(errors: Awaited<ReturnType<typeof validate>>): string[] {
  return errors.map((error) => error.property).sort();
}

describe('cached validation rules', () => {
  beforeAll(() => {
    cacheValidationRules();
    cacheValidationRules();
  });

  it('applies a class its own and its inherited rules, the same on every validation', async () => {
    for (let round = 0; round < 3; round += 1) {
      await expect(validate(Object.assign(new Child(), { name: 1, count: 0 })).then(failedFields)).resolves.toEqual(['count', 'name']);
      await expect(validate(Object.assign(new Child(), { name: 'a', count: 2 })).then(failedFields)).resolves.toEqual([]);
      await expect(validate(Object.assign(new Base(), { name: 1, count: 0 })).then(failedFields)).resolves.toEqual(['name']);
    }
  });

  it('applies a rule added after the class was validated', async () => {
    class Late {
      label!: unknown;
    }
    await expect(validate(Object.assign(new Late(), { label: 5 }), { forbidUnknownValues: false }).then(failedFields)).resolves.toEqual([]);
    registerDecorator({ target: Late, propertyName: 'label', validator: { validate: (value: unknown) => typeof value === 'string' } });
    await expect(validate(Object.assign(new Late(), { label: 5 })).then(failedFields)).resolves.toEqual(['label']);
  });
});
