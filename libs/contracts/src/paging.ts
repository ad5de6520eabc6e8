import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsIntegerFrom } from './field-rules';
import { OptionalNotNull } from './transforms';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `?limit=&cursor=` of every list: the cursor is opaque, taken from the previous page's `nextCursor`. */
export class PageRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Items per page.' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque position from the previous page’s `nextCursor`.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  cursor?: string;
}

/** One page of a list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The message class of a page of `item`s, named `name` (its schema name in OpenAPI and AsyncAPI). Declare it as
 * `export const XPage = PageOf(() => X, 'XPage'); export type XPage = Page<X>;`.
 */
export function PageOf<T>(item: () => new (...args: never[]) => T, name: string): new () => Page<T> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: () => [item()] })
    @IsArray()
    @ValidateNested({ each: true })
    @Type(() => item())
    items!: T[];

    @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.', example: 'eyJjcmVhdGVkQXQiOiIyMDI2LTAzLTAyVDA5OjMwOjAwLjAwMFoiLCJpZCI6IjNmMGMyYjVlIn0' })
    @IsOptional()
    @IsString()
    nextCursor!: string | null;
  }
  Object.defineProperty(PageOfItems, 'name', { value: name });
  return PageOfItems;
}

/** A whole (unpaged) list of `item`s: `{ items }`. Declare as `export const XList = ListOf(() => X, 'XList'); export type XList = { items: X[] };`. */
export function ListOf<T>(item: () => new (...args: never[]) => T, name: string): new () => { items: T[] } {
  class ListOfItems {
    @ApiProperty({ type: () => [item()] })
    @IsArray()
    @ValidateNested({ each: true })
    @Type(() => item())
    items!: T[];
  }
  Object.defineProperty(ListOfItems, 'name', { value: name });
  return ListOfItems;
}
