/** Standard change templates over RPC: managers keep them, agents read them. Real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import { ChangeErrorCode, ChangeRpc, type CreateChangeTemplateRequest, ErrorCode } from '@itsm/contracts';
import { ada, alice, carl, fieldsOf, maria, sam } from '@itsm/testing';
import { ChangeHarness } from './support/change-harness';

let counter = 0;

/** A template with the fields a test does not care about filled in, and a name of its own. */
function buildTemplate(overrides: Partial<CreateChangeTemplateRequest> = {}): CreateChangeTemplateRequest {
  counter += 1;
  return {
    name: `Restart an application server #${counter}`,
    implementationPlan: '1. Drain the node. 2. Restart. 3. Re-enable.',
    backoutPlan: 'Re-enable the node.',
    allowedCiClasses: ['application', 'virtual_machine'],
    maxDurationMinutes: 60,
    ...overrides,
  };
}

describe('change templates', () => {
  let h: ChangeHarness;

  beforeAll(async () => {
    h = await ChangeHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('are created by managers with defaults filled in and an audit row, and read by agents', async () => {
    const template = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate(), { actor: maria });
    expect(template).toMatchObject({ description: '', testPlan: '', allowedCiClasses: ['application', 'virtual_machine'], maxDurationMinutes: 60, enabled: true, version: 1 });
    await expect(h.rpc.call(ChangeRpc.getTemplate, { id: template.id }, { actor: sam })).resolves.toEqual(template);
    await expect(h.audit(template.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'change_template', action: 'created', actor_id: 'maria', before: null, after: template })]);
    await expect(h.row('change_templates', template.id)).resolves.toMatchObject({ name: template.name, max_duration_minutes: 60, allowed_ci_classes: ['application', 'virtual_machine'] });
  });

  it('are listed by name, and by whether they are enabled', async () => {
    const off = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate({ name: 'AAA first by name', enabled: false }), { actor: ada });
    const on = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate(), { actor: maria });
    const all = await h.rpc.call(ChangeRpc.listTemplates, {}, { actor: sam });
    const names = all.items.map((template) => template.name);
    expect(names).toEqual([...names].sort());
    expect(all.items[0]?.id).toBe(off.id);
    await expect(h.rpc.call(ChangeRpc.listTemplates, { enabled: false }, { actor: sam })).resolves.toEqual({ items: [off] });
    const enabled = await h.rpc.call(ChangeRpc.listTemplates, { enabled: true }, { actor: sam });
    expect(enabled.items.every((template) => template.enabled)).toBe(true);
    expect(enabled.items.map((template) => template.id)).toContain(on.id);
  });

  it('refuse fields out of bounds, naming each, and write nothing', async () => {
    const cases: Array<[Partial<CreateChangeTemplateRequest>, string]> = [
      [{ name: 'ab' }, 'name'],
      [{ implementationPlan: '' }, 'implementationPlan'],
      [{ maxDurationMinutes: 0 }, 'maxDurationMinutes'],
      [{ maxDurationMinutes: 10081 }, 'maxDurationMinutes'],
      [{ maxDurationMinutes: 1.5 }, 'maxDurationMinutes'],
      [{ allowedCiClasses: ['Not A Class!'] }, 'allowedCiClasses'],
    ];
    const before = await h.count('change_templates');
    for (const [overrides, field] of cases) {
      const error = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate(overrides), { actor: maria }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual([field]);
    }
    await expect(h.count('change_templates')).resolves.toBe(before);
  });

  it('refuse a name another template has, on create and on replace', async () => {
    const taken = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate(), { actor: maria });
    const error = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate({ name: taken.name }), { actor: maria }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.TemplateNameTaken });
    expect(fieldsOf(error)).toEqual(['name']);
    const other = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate(), { actor: maria });
    await expect(h.rpc.call(ChangeRpc.updateTemplate, { ...buildTemplate({ name: taken.name }), id: other.id }, { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      reason: ChangeErrorCode.TemplateNameTaken,
    });
    await expect(h.row('change_templates', other.id)).resolves.toMatchObject({ name: other.name, version: 1 });
  });

  it('are replaced whole with If-Match, a stale version refused with 412', async () => {
    const template = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate({ description: 'Old', testPlan: 'Old check' }), { actor: maria });
    const replaced = await h.rpc.call(
      ChangeRpc.updateTemplate,
      { id: template.id, expectedVersion: 1, name: template.name, implementationPlan: 'New plan', backoutPlan: 'New backout', allowedCiClasses: ['server'], maxDurationMinutes: 30, enabled: false },
      { actor: maria },
    );
    expect(replaced).toMatchObject({ description: '', testPlan: '', implementationPlan: 'New plan', allowedCiClasses: ['server'], maxDurationMinutes: 30, enabled: false, version: 2 });
    await expect(h.audit(template.id)).resolves.toEqual([expect.objectContaining({ action: 'created' }), expect.objectContaining({ action: 'updated', actor_id: 'maria', before: template, after: replaced })]);
    await expect(h.rpc.call(ChangeRpc.updateTemplate, { ...buildTemplate(), id: template.id, expectedVersion: 1 }, { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
      details: { currentVersion: 2, expectedVersion: 1 },
    });
    await expect(h.rpc.call(ChangeRpc.updateTemplate, { ...buildTemplate(), id: randomUUID() }, { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      reason: ChangeErrorCode.TemplateNotFound,
    });
  });

  it('are removed by managers, answered as they were, and then not found', async () => {
    const template = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate(), { actor: maria });
    await expect(h.rpc.call(ChangeRpc.deleteTemplate, { id: template.id }, { actor: ada })).resolves.toEqual(template);
    await expect(h.rpc.call(ChangeRpc.getTemplate, { id: template.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.TemplateNotFound });
    await expect(h.rpc.call(ChangeRpc.deleteTemplate, { id: template.id }, { actor: maria })).rejects.toMatchObject({ reason: ChangeErrorCode.TemplateNotFound });
    await expect(h.audit(template.id)).resolves.toEqual([expect.objectContaining({ action: 'created' }), expect.objectContaining({ action: 'deleted', actor_id: 'ada', before: template, after: null })]);
  });

  it('are written only by managers and admins, read by agents, and hidden from requesters and the CAB', async () => {
    const template = await h.rpc.call(ChangeRpc.createTemplate, buildTemplate(), { actor: maria });
    const outbox = await h.count('audit_log');
    for (const actor of [sam, carl, alice]) {
      await expect(h.rpc.call(ChangeRpc.createTemplate, buildTemplate(), { actor })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(h.rpc.call(ChangeRpc.updateTemplate, { ...buildTemplate(), id: template.id }, { actor })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(h.rpc.call(ChangeRpc.deleteTemplate, { id: template.id }, { actor })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
    for (const actor of [carl, alice]) await expect(h.rpc.call(ChangeRpc.getTemplate, { id: template.id }, { actor })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(h.count('audit_log')).resolves.toBe(outbox);
  });
});
