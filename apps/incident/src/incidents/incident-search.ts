/**
 * The text-search document of an incident; queries must use exactly this expression so that PostgreSQL uses
 * the `incidents_search_idx` GIN index. The `simple` configuration matches words as written, in any language.
 * The migration that created the index holds its own copy of this text: changing it here needs a new migration.
 */
export const INCIDENT_SEARCH_VECTOR = `to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, ''))`;
