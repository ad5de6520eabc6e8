import { randomUUID } from 'node:crypto';
import { CommonErrorCode, type CreateDetectionRuleRequest, DetectionScope, ErrorCode, ProblemErrorCode, ProblemRpc } from '@itsm/contracts';
import { ada, alice, fieldsOf, maria, sam } from '@itsm/testing';
import { DEFAULT_DETECTION_RULE_ID } from '../src/migrations/1796539161260-createProblems';
import { ProblemHarness } from './support/problem-harness';

let counter = 0;

/** A rule with the fields a test does not care about filled in, and a name of its own. */
function buildRule(overrides: Partial<CreateDetectionRuleRequest> = {}): CreateDetectionRuleRequest {
  counter += 1;
  return { name: `Three network incidents per CI in 4 hours #${counter}`, scope: DetectionScope.Ci, category: 'network', threshold: 3, windowHours: 4, ...overrides };
}

describe('detection rules', () => {
  let h: ProblemHarness;

  beforeAll(async () => {
    h = await ProblemHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('start with the default rule: five incidents of one CI and category within 24 hours', async () => {
    await expect(h.rpc.call(ProblemRpc.getDetectionRule, { id: DEFAULT_DETECTION_RULE_ID }, { actor: sam })).resolves.toMatchObject({
      scope: DetectionScope.Ci,
      serviceId: null,
      category: null,
      threshold: 5,
      windowHours: 24,
      enabled: true,
      version: 1,
    });
  });

  it('are created by managers, with an audit row, and read by agents', async () => {
    const rule = await h.rpc.call(ProblemRpc.createDetectionRule, buildRule({ serviceId: randomUUID() }), { actor: maria });
    expect(rule).toMatchObject({ scope: DetectionScope.Ci, category: 'network', threshold: 3, windowHours: 4, enabled: true, version: 1 });
    await expect(h.rpc.call(ProblemRpc.getDetectionRule, { id: rule.id }, { actor: sam })).resolves.toEqual(rule);
    await expect(h.audit(rule.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'detection_rule', action: 'created', actor_id: maria.sub, before: null, after: rule })]);
    await expect(h.row('detection_rules', rule.id)).resolves.toMatchObject({ name: rule.name, threshold: 3, window_hours: 4 });
  });

  it('are listed by name, and by whether they are enabled', async () => {
    const off = await h.rpc.call(ProblemRpc.createDetectionRule, buildRule({ name: 'AAA first by name', enabled: false }), { actor: ada });
    const all = await h.rpc.call(ProblemRpc.listDetectionRules, {}, { actor: sam });
    const names = all.items.map((rule) => rule.name);
    expect(names).toEqual([...names].sort());
    expect(all.items[0]?.id).toBe(off.id);
    const enabled = await h.rpc.call(ProblemRpc.listDetectionRules, { enabled: true }, { actor: sam });
    expect(enabled.items.every((rule) => rule.enabled)).toBe(true);
    expect(enabled.items.map((rule) => rule.id)).toContain(DEFAULT_DETECTION_RULE_ID);
    await expect(h.rpc.call(ProblemRpc.listDetectionRules, { enabled: false }, { actor: sam })).resolves.toEqual({ items: [off] });
  });

  it('refuse a threshold, window, scope or name out of bounds, naming the field', async () => {
    const cases: Array<[Partial<CreateDetectionRuleRequest>, string]> = [
      [{ threshold: 1 }, 'threshold'],
      [{ threshold: 1001 }, 'threshold'],
      [{ threshold: 2.5 }, 'threshold'],
      [{ windowHours: 0 }, 'windowHours'],
      [{ windowHours: 721 }, 'windowHours'],
      [{ scope: 'team' as DetectionScope }, 'scope'],
      [{ name: 'ab' }, 'name'],
      [{ serviceId: 'not-a-uuid' }, 'serviceId'],
    ];
    const rulesBefore = await h.count('detection_rules');
    for (const [overrides, field] of cases) {
      const error = await h.rpc.call(ProblemRpc.createDetectionRule, buildRule(overrides), { actor: maria }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual([field]);
    }
    await expect(h.count('detection_rules')).resolves.toBe(rulesBefore);
  });

  it('refuse a name another rule has, on create and on update', async () => {
    const taken = await h.rpc.call(ProblemRpc.createDetectionRule, buildRule(), { actor: maria });
    await expect(h.rpc.call(ProblemRpc.createDetectionRule, buildRule({ name: taken.name }), { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      reason: ProblemErrorCode.DetectionRuleNameTaken,
      details: { errors: [{ field: 'name', message: 'is taken' }] },
    });
    const other = await h.rpc.call(ProblemRpc.createDetectionRule, buildRule(), { actor: maria });
    await expect(h.rpc.call(ProblemRpc.updateDetectionRule, { ...buildRule({ name: taken.name }), id: other.id }, { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      reason: ProblemErrorCode.DetectionRuleNameTaken,
    });
    // Keeping its own name is no conflict.
    await expect(h.rpc.call(ProblemRpc.updateDetectionRule, { ...buildRule({ name: other.name, threshold: 7 }), id: other.id }, { actor: maria })).resolves.toMatchObject({ threshold: 7, version: 2 });
  });

  it('are replaced whole on update, refused with 412 on a stale version', async () => {
    const rule = await h.rpc.call(ProblemRpc.createDetectionRule, buildRule({ serviceId: randomUUID(), enabled: false }), { actor: maria });
    const replaced = await h.rpc.call(
      ProblemRpc.updateDetectionRule,
      { id: rule.id, expectedVersion: 1, name: rule.name, scope: DetectionScope.Service, threshold: 10, windowHours: 48 },
      { actor: maria },
    );
    // What the replacement leaves out is cleared (filters) or defaulted (enabled).
    expect(replaced).toMatchObject({ id: rule.id, scope: DetectionScope.Service, serviceId: null, category: null, threshold: 10, windowHours: 48, enabled: true, version: 2 });
    await expect(h.rpc.call(ProblemRpc.updateDetectionRule, { ...buildRule(), id: rule.id, expectedVersion: 1 }, { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
      reason: CommonErrorCode.VersionMismatch,
    });
    await expect(h.rpc.call(ProblemRpc.getDetectionRule, { id: rule.id }, { actor: sam })).resolves.toEqual(replaced);
    await expect(h.audit(rule.id)).resolves.toEqual([
      expect.objectContaining({ action: 'created' }),
      expect.objectContaining({ action: 'updated', before: rule, after: replaced }),
    ]);
  });

  it('are deleted by managers; an unknown id is 404', async () => {
    const rule = await h.rpc.call(ProblemRpc.createDetectionRule, buildRule(), { actor: maria });
    await expect(h.rpc.call(ProblemRpc.deleteDetectionRule, { id: rule.id }, { actor: maria })).resolves.toEqual(rule);
    const notFound = { code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.DetectionRuleNotFound };
    await expect(h.rpc.call(ProblemRpc.getDetectionRule, { id: rule.id }, { actor: sam })).rejects.toMatchObject(notFound);
    await expect(h.rpc.call(ProblemRpc.deleteDetectionRule, { id: rule.id }, { actor: maria })).rejects.toMatchObject(notFound);
    await expect(h.rpc.call(ProblemRpc.updateDetectionRule, { ...buildRule(), id: randomUUID() }, { actor: maria })).rejects.toMatchObject(notFound);
    await expect(h.audit(rule.id)).resolves.toEqual([expect.objectContaining({ action: 'created' }), expect.objectContaining({ action: 'deleted', before: rule, after: null })]);
  });

  it('are written by managers only, and hidden from requesters', async () => {
    const forbidden = { code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired };
    await expect(h.rpc.call(ProblemRpc.createDetectionRule, buildRule(), { actor: sam })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ProblemRpc.updateDetectionRule, { ...buildRule(), id: DEFAULT_DETECTION_RULE_ID }, { actor: sam })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ProblemRpc.deleteDetectionRule, { id: DEFAULT_DETECTION_RULE_ID }, { actor: sam })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ProblemRpc.listDetectionRules, {}, { actor: alice })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ProblemRpc.getDetectionRule, { id: DEFAULT_DETECTION_RULE_ID }, { actor: alice })).rejects.toMatchObject(forbidden);
  });
});
