/**
 * OpenAPI options of a property that holds any JSON value, spread into `@ApiProperty`: the schema then has no `type`,
 * so a generated client reads it as unknown. @nestjs/swagger would take `object` from the declared type `unknown`;
 * a schema combinator is what makes it leave the type out (and `anyOf` of the empty schema admits every value, null included).
 */
export const ANY_JSON_VALUE = { anyOf: [{}] };
