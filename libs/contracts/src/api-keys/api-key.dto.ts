import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEnum, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { Role } from '../actor';
import { INSTANT_EXAMPLE, IsInstant } from '../field-rules';
import { type Page, PageOf, PageRequest } from '../paging';
import { OptionalNotNull } from '../transforms';

/** Start of every API key, so that secret scanners and people recognise one. */
export const API_KEY_PREFIX = 'itsm_';
/** Header that carries an API key when `Authorization` is taken by something else. */
export const API_KEY_HEADER = 'X-API-Key';
/** Id of a key: 12 letters and digits, random; the part of the key that is not secret. */
export const API_KEY_ID_PATTERN = /^[A-Za-z0-9]{12}$/;
/** A whole key: `itsm_<id>_<secret>`, the secret 32 random bytes in base64url (43 characters). */
export const API_KEY_PATTERN = /^itsm_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
export const MAX_API_KEY_NAME = 100;
/** Most networks one key may be limited to. */
export const MAX_API_KEY_NETWORKS = 20;
/** Most keys that are not revoked at once: every gateway replica holds them all in memory. */
export const MAX_LIVE_API_KEYS = 1000;

const IPV4_OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_CIDR = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}/(3[0-2]|[12]?\\d)`;
const H16 = '[0-9a-fA-F]{1,4}';
const IPV6 = [
  `(${H16}:){7}${H16}`,
  `(${H16}:){1,7}:`,
  `(${H16}:){1,6}:${H16}`,
  `(${H16}:){1,5}(:${H16}){1,2}`,
  `(${H16}:){1,4}(:${H16}){1,3}`,
  `(${H16}:){1,3}(:${H16}){1,4}`,
  `(${H16}:){1,2}(:${H16}){1,5}`,
  `${H16}:(:${H16}){1,6}`,
  `:((:${H16}){1,7}|:)`,
].join('|');
const IPV6_CIDR = `(${IPV6})/(12[0-8]|1[01]\\d|[1-9]?\\d)`;
/** A network in CIDR notation: an IPv4 or IPv6 address (no leading zeros in IPv4, no zone) and a prefix length. */
export const CIDR_PATTERN = new RegExp(`^(${IPV4_CIDR}|${IPV6_CIDR})$`);
const CIDR_MESSAGE = 'must be networks in CIDR notation, such as 203.0.113.0/24 or 2001:db8::/32';

const ROLES_DOC = 'What the key may do: the roles it acts with, as a token’s `roles` claim would give them. 1 or more, no duplicates.';
const EXPIRES_DOC =
  'When the key stops working; it must be in the future when the key is created (one in the past is a 400 naming `expiresAt`). Without it the key works until revoked.';
const NETWORKS_DOC = `Source addresses the key is accepted from, as IPv4 or IPv6 networks in CIDR notation (a single address is \`/32\` or \`/128\`), at most ${MAX_API_KEY_NETWORKS}. The source is the client address the gateway sees, or the one \`X-Forwarded-For\` gives when \`TRUST_PROXY\` is on. Without it, any address.`;

/** Body of `POST /v1/api-keys`: a key for a machine client. */
export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_API_KEY_NAME, description: 'Who or what uses the key; the `name` of the caller it authenticates.', example: 'monitoring-bridge' })
  @IsString()
  @Length(1, MAX_API_KEY_NAME)
  name!: string;

  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true, minItems: 1, uniqueItems: true, description: ROLES_DOC, example: [Role.Agent] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(Role, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({ type: String, format: 'date-time', description: EXPIRES_DOC, example: '2027-06-01T00:00:00Z' })
  @OptionalNotNull()
  @IsInstant()
  expiresAt?: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_API_KEY_NETWORKS, pattern: CIDR_PATTERN.source, description: NETWORKS_DOC, example: ['203.0.113.0/24', '2001:db8::/32'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_API_KEY_NETWORKS)
  @IsString({ each: true })
  @Matches(CIDR_PATTERN, { each: true, message: `$property ${CIDR_MESSAGE}` })
  allowedNetworks?: string[];
}

/** Path of `/v1/api-keys/{id}`. */
export class ApiKeyIdParams {
  @ApiProperty({ pattern: API_KEY_ID_PATTERN.source, description: 'The id of the key (the part between `itsm_` and the secret).', example: 'Q3vN8kLm2XpA' })
  @IsString()
  @Matches(API_KEY_ID_PATTERN, { message: '$property must be 12 letters or digits' })
  id!: string;
}

/** `?limit=&cursor=` of `GET /v1/api-keys`. */
export class ListApiKeysQuery extends PageRequest {}

/** An API key as listed and read: everything but the secret, which is never kept. */
export class ApiKeyView {
  @ApiProperty({ pattern: API_KEY_ID_PATTERN.source, example: 'Q3vN8kLm2XpA' })
  @IsString()
  id!: string;

  @ApiProperty({ example: 'monitoring-bridge' })
  @IsString()
  name!: string;

  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true, example: [Role.Agent] })
  @IsEnum(Role, { each: true })
  roles!: Role[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it stops working; null: never.', example: '2027-06-01T00:00:00.000Z' })
  @IsOptional()
  @IsString()
  expiresAt!: string | null;

  @ApiProperty({ type: [String], description: 'Networks it is accepted from; empty: any.', example: ['203.0.113.0/24'] })
  @IsString({ each: true })
  allowedNetworks!: string[];

  @ApiProperty({ type: String, format: 'date-time', example: INSTANT_EXAMPLE })
  @IsString()
  createdAt!: string;

  @ApiProperty({ description: 'Subject (`sub`) of the admin who created it.', example: 'ada' })
  @IsString()
  createdBy!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was revoked; null while it is not.', example: null })
  @IsOptional()
  @IsString()
  revokedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Last request it authenticated; null before the first. Counted in memory and written every few seconds (`API_KEY_USAGE_FLUSH_MS`), so it lags by that much.',
    example: '2026-11-02T09:31:12.000Z',
  })
  @IsOptional()
  @IsString()
  lastUsedAt!: string | null;

  @ApiProperty({ minimum: 0, description: 'Requests it authenticated, on every gateway replica; lags like `lastUsedAt`.', example: 1284 })
  @IsInt()
  @Min(0)
  useCount!: number;
}

/** Answer of `POST /v1/api-keys`: the key itself, this once. */
export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({
    pattern: API_KEY_PATTERN.source,
    description: 'The key, shown this once and never again (only its keyed hash is stored). Send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`.',
    example: 'itsm_Q3vN8kLm2XpA_h3Jx0qVwN2b7sYcT9eRfKp4LmA1uZdG6oIyE8nWvBtQ',
  })
  @IsString()
  key!: string;
}

export const ApiKeyPage = PageOf(() => ApiKeyView, 'ApiKeyPage');
export type ApiKeyPage = Page<ApiKeyView>;
