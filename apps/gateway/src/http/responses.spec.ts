import type { FastifyReply } from 'fastify';
import { created } from './responses';

function fakeReply(): { reply: FastifyReply; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, headers };
}

describe('created', () => {
  it('points Location at the new record by its id and sets its version as ETag', () => {
    const { reply, headers } = fakeReply();
    const record = { id: '3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10', version: 1 };

    expect(created(reply, record, 'sla/policies')).toBe(record);
    expect(headers).toEqual({ location: '/v1/sla/policies/3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10', etag: '"1"' });
  });

  it('names the record by another key when given, and sets no ETag for a record without a version', () => {
    const named = fakeReply();
    created(named.reply, { name: 'message_queue', version: 2 }, 'ci-classes', 'message_queue');
    const unversioned = fakeReply();
    created(unversioned.reply, { id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' }, 'relationships');

    expect(named.headers).toEqual({ location: '/v1/ci-classes/message_queue', etag: '"2"' });
    expect(unversioned.headers).toEqual({ location: '/v1/relationships/a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' });
  });
});
