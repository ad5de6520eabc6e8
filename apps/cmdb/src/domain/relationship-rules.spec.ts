import fc from 'fast-check';
import { allowedTargets, ANY_CLASS, disallowedPairMessage, isPairAllowed, type RelationshipRuleLike } from './relationship-rules';

const classes = ['application', 'database', 'server', 'container', 'business_service'];
const className = fc.constantFrom(...classes);
const pattern = fc.constantFrom(...classes, ANY_CLASS);
const type = fc.constantFrom('depends_on', 'runs_on', 'part_of');
const rule: fc.Arbitrary<RelationshipRuleLike> = fc.record({ type, sourceClass: pattern, targetClass: pattern });
const rules = fc.array(rule, { maxLength: 8 });

describe('relationship rules', () => {
  it('allows a pair exactly when some rule of the type matches both ends, * matching any class', () => {
    fc.assert(
      fc.property(rules, type, className, className, (all, t, source, target) => {
        const expected = all.some((r) => r.type === t && (r.sourceClass === ANY_CLASS || r.sourceClass === source) && (r.targetClass === ANY_CLASS || r.targetClass === target));
        expect(isPairAllowed(all, t, source, target)).toBe(expected);
      }),
    );
  });

  it('never refuses a pair because another rule was added', () => {
    fc.assert(
      fc.property(rules, rule, type, className, className, (all, extra, t, source, target) => {
        if (isPairAllowed(all, t, source, target)) expect(isPairAllowed([...all, extra], t, source, target)).toBe(true);
      }),
    );
  });

  it('lists as allowed targets exactly the classes a pair would be allowed with', () => {
    fc.assert(
      fc.property(rules, type, className, (all, t, source) => {
        const targets = allowedTargets(all, t, source);
        for (const target of classes) expect(isPairAllowed(all, t, source, target)).toBe(targets.includes(ANY_CLASS) || targets.includes(target));
      }),
    );
  });

  it('says what was refused and what would have been allowed', () => {
    const builtIn: RelationshipRuleLike[] = [
      { type: 'runs_on', sourceClass: 'database', targetClass: 'server' },
      { type: 'runs_on', sourceClass: 'database', targetClass: 'container' },
    ];
    expect(disallowedPairMessage(builtIn, 'runs_on', 'database', 'application')).toBe('a database cannot runs_on a application; allowed target classes: container, server');
    expect(disallowedPairMessage(builtIn, 'depends_on', 'database', 'server')).toBe('a database cannot depends_on a server; no depends_on relationship may start at a database');
  });
});
