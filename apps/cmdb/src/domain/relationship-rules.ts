/** Which edges between CI classes are allowed: a rule names a type, a source class and a target class. */

/** In a rule, stands for every class. */
export const ANY_CLASS = '*';

export interface RelationshipRuleLike {
  type: string;
  sourceClass: string;
  targetClass: string;
}

function matches(pattern: string, className: string): boolean {
  return pattern === ANY_CLASS || pattern === className;
}

/** True when some rule allows an edge of `type` from a CI of `sourceClass` to one of `targetClass`. */
export function isPairAllowed(rules: readonly RelationshipRuleLike[], type: string, sourceClass: string, targetClass: string): boolean {
  return rules.some((rule) => rule.type === type && matches(rule.sourceClass, sourceClass) && matches(rule.targetClass, targetClass));
}

/** The target classes an edge of `type` from `sourceClass` may reach, sorted; `*` when any class may. */
export function allowedTargets(rules: readonly RelationshipRuleLike[], type: string, sourceClass: string): string[] {
  const targets = new Set(rules.filter((rule) => rule.type === type && matches(rule.sourceClass, sourceClass)).map((rule) => rule.targetClass));
  return targets.has(ANY_CLASS) ? [ANY_CLASS] : [...targets].sort();
}

/** The message of a refused pair: what was asked and what would have been allowed. */
export function disallowedPairMessage(rules: readonly RelationshipRuleLike[], type: string, sourceClass: string, targetClass: string): string {
  const targets = allowedTargets(rules, type, sourceClass);
  const allowed = targets.length === 0 ? `no ${type} relationship may start at a ${sourceClass}` : `allowed target classes: ${targets.join(', ')}`;
  return `a ${sourceClass} cannot ${type} a ${targetClass}; ${allowed}`;
}
