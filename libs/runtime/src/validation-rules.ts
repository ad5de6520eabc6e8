import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type RulesOf = Storage['getTargetValidationMetadatas'];

const cached = new WeakSet<Storage>();

/**
 * Keeps class-validator's answer to "which rules does this class have" per class and options. It computes it for
 * every object it validates (every nested one too) by testing the class against each class that has rules, a few
 * hundred in the contracts; the rules of a class are fixed once its module is loaded, and the kept answers are
 * forgotten whenever a rule is added. Idempotent.
 */
export function cacheValidationRules(): void {
  const storage = getMetadataStorage();
  if (cached.has(storage)) return;
  cached.add(storage);
  const rulesOf: RulesOf = storage.getTargetValidationMetadatas.bind(storage);
  const addRule = storage.addValidationMetadata.bind(storage);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator keys its rules by class
  const known = new Map<Function, Map<string, ReturnType<RulesOf>>>();
  storage.addValidationMetadata = (metadata) => {
    known.clear();
    addRule(metadata);
  };
  storage.getTargetValidationMetadatas = (targetConstructor, targetSchema, always, strictGroups, groups) => {
    const key = JSON.stringify([targetSchema, always, strictGroups, groups ?? null]);
    let byOptions = known.get(targetConstructor);
    if (!byOptions) {
      byOptions = new Map();
      known.set(targetConstructor, byOptions);
    }
    let rules = byOptions.get(key);
    if (!rules) {
      rules = rulesOf(targetConstructor, targetSchema, always, strictGroups, groups);
      byOptions.set(key, rules);
    }
    return rules;
  };
}
