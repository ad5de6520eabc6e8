import type { EntityManager } from 'typeorm';
import { quoteIdent } from './migrate';

/** `INC` + 1001 → `INC0001001`: the human number of a ticket. */
export function formatHumanNumber(prefix: string, value: number | string): string {
  return `${prefix}${String(value).padStart(7, '0')}`;
}

/** Next value of a per-type sequence (created by a migration), formatted as a human number. */
export async function nextHumanNumber(manager: EntityManager, schema: string, sequence: string, prefix: string): Promise<string> {
  const rows: Array<{ value: string }> = await manager.query(`SELECT nextval('${quoteIdent(schema)}.${quoteIdent(sequence)}') AS value`);
  const value = rows[0]?.value;
  if (value === undefined) throw new Error(`sequence ${schema}.${sequence} returned no value`);
  return formatHumanNumber(prefix, value);
}
