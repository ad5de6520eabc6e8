import { ErrorCode, errorOfCodes, type ErrorKinds } from '../errors';

/** What the cmdb domain refuses (CI classes, CIs, relationships, impact analysis and imports): the `reason` of its error replies and problems. */
export enum CmdbErrorCode {
  /** No CI has that id. */
  CiNotFound = 'CI_NOT_FOUND',
  /** The CI did not exist yet at the instant asked for. */
  CiNotFoundAtTime = 'CI_NOT_FOUND_AT_TIME',
  /** Fields of a CI are malformed, missing, or do not fit its class (unknown class, attributes against its schema). */
  CiInvalidFields = 'CI_INVALID_FIELDS',
  /** No CI class has that name. */
  ClassNotFound = 'CMDB_CLASS_NOT_FOUND',
  /** A CI class of that name exists already. */
  ClassExists = 'CMDB_CLASS_EXISTS',
  /** The attribute schema or the identification rules of a CI class are not usable. */
  ClassInvalid = 'CMDB_CLASS_INVALID',
  /** A rule names a CI class that does not exist. */
  UnknownClass = 'CMDB_UNKNOWN_CLASS',
  /** No relationship has that id. */
  RelationshipNotFound = 'CMDB_RELATIONSHIP_NOT_FOUND',
  /** A relationship from a CI to itself. */
  RelationshipSelfLoop = 'CMDB_RELATIONSHIP_SELF_LOOP',
  /** A relationship names a CI that does not exist. */
  RelationshipCiNotFound = 'CMDB_RELATIONSHIP_CI_NOT_FOUND',
  /** A relationship to or from a retired CI. */
  RelationshipCiRetired = 'CMDB_RELATIONSHIP_CI_RETIRED',
  /** No relationship rule allows the type between the two CIs' classes. */
  RelationshipNotAllowed = 'CMDB_RELATIONSHIP_NOT_ALLOWED',
  /** The same relationship (type, source, target) exists already. */
  RelationshipExists = 'CMDB_RELATIONSHIP_EXISTS',
  /** No relationship rule has that id. */
  RelationshipRuleNotFound = 'CMDB_RELATIONSHIP_RULE_NOT_FOUND',
  /** A rule allowing the same (type, source class, target class) exists already. */
  RelationshipRuleExists = 'CMDB_RELATIONSHIP_RULE_EXISTS',
  /** No reconciliation rule has that id. */
  ReconciliationRuleNotFound = 'CMDB_RECONCILIATION_RULE_NOT_FOUND',
  /** A Kubernetes import whose `list` is not a Kubernetes List. */
  ImportNotKubernetesList = 'CMDB_IMPORT_NOT_A_KUBERNETES_LIST',
  /** An impact analysis starting at CIs that do not exist. */
  ImpactCiNotFound = 'CMDB_IMPACT_CI_NOT_FOUND',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const CMDB_ERROR_KINDS: ErrorKinds<CmdbErrorCode> = {
  [CmdbErrorCode.CiNotFound]: ErrorCode.NOT_FOUND,
  [CmdbErrorCode.CiNotFoundAtTime]: ErrorCode.NOT_FOUND,
  [CmdbErrorCode.CiInvalidFields]: ErrorCode.VALIDATION,
  [CmdbErrorCode.ClassNotFound]: ErrorCode.NOT_FOUND,
  [CmdbErrorCode.ClassExists]: ErrorCode.CONFLICT,
  [CmdbErrorCode.ClassInvalid]: ErrorCode.VALIDATION,
  [CmdbErrorCode.UnknownClass]: ErrorCode.VALIDATION,
  [CmdbErrorCode.RelationshipNotFound]: ErrorCode.NOT_FOUND,
  [CmdbErrorCode.RelationshipSelfLoop]: ErrorCode.VALIDATION,
  [CmdbErrorCode.RelationshipCiNotFound]: ErrorCode.UNPROCESSABLE,
  [CmdbErrorCode.RelationshipCiRetired]: ErrorCode.CONFLICT,
  [CmdbErrorCode.RelationshipNotAllowed]: ErrorCode.VALIDATION,
  [CmdbErrorCode.RelationshipExists]: ErrorCode.CONFLICT,
  [CmdbErrorCode.RelationshipRuleNotFound]: ErrorCode.NOT_FOUND,
  [CmdbErrorCode.RelationshipRuleExists]: ErrorCode.CONFLICT,
  [CmdbErrorCode.ReconciliationRuleNotFound]: ErrorCode.NOT_FOUND,
  [CmdbErrorCode.ImportNotKubernetesList]: ErrorCode.VALIDATION,
  [CmdbErrorCode.ImpactCiNotFound]: ErrorCode.NOT_FOUND,
};

export class CmdbError extends errorOfCodes(CMDB_ERROR_KINDS) {}
