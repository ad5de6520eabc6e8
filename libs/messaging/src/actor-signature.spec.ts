import fc from 'fast-check';
import type { NatsConnection } from 'nats';
import { mintNkey } from './bus-auth';
import { registerActorSigner, signActor, trustActorIssuers, verifyActor } from './actor-signature';

/** Only the identity of the object matters to the signer registry. */
const connection = (): NatsConnection => ({}) as NatsConnection;

describe('signed RPC actors', () => {
  const gateway = mintNkey();
  const service = mintNkey();
  const gatewayConnection = connection();
  const serviceConnection = connection();
  const actor = JSON.stringify({ sub: 'alice', roles: ['agent'] });
  const later = Date.now() + 60_000;

  beforeAll(() => {
    registerActorSigner(gatewayConnection, gateway.seed);
    registerActorSigner(serviceConnection, service.seed);
  });
  beforeEach(() => trustActorIssuers([gateway.publicKey]));
  afterAll(() => trustActorIssuers(undefined));

  it('trusts an actor signed by a trusted issuer until it expires', () => {
    const signature = signActor(gatewayConnection, actor, later) as string;
    expect(signature.startsWith(`${gateway.publicKey}.${later}.`)).toBe(true);
    expect(verifyActor(actor, signature)).toEqual({ trusted: true });
    expect(verifyActor(actor, signature, later + 1)).toEqual({ trusted: false, reason: 'the actor signature has expired' });
  });

  it('refuses an unsigned actor, and one signed by a key it does not trust (a service credential)', () => {
    expect(verifyActor(actor, undefined)).toEqual({ trusted: false, reason: 'the actor is not signed' });
    expect(verifyActor(actor, signActor(serviceConnection, actor, later))).toEqual({ trusted: false, reason: 'the actor is signed by an issuer this service does not trust' });
  });

  it('refuses a signature carried over to another actor or another expiry, and malformed ones', () => {
    const signature = signActor(gatewayConnection, actor, later) as string;
    const admin = JSON.stringify({ sub: 'alice', roles: ['admin'] });
    expect(verifyActor(admin, signature)).toEqual({ trusted: false, reason: 'the actor signature does not match' });
    const [issuer, , sig] = signature.split('.');
    expect(verifyActor(actor, `${issuer}.${later + 3_600_000}.${sig}`).trusted).toBe(false);
    for (const bad of ['', 'x', `${issuer}.soon.${sig}`, `${issuer}.${later}`, `${issuer}.${later}.${sig}.more`, `NOTAKEY.${later}.${sig}`]) {
      expect(verifyActor(actor, bad).trusted).toBe(false);
    }
  });

  it('trusts every actor as it comes when no issuer is configured (a broker without authorization)', () => {
    trustActorIssuers(undefined);
    expect(verifyActor(actor, undefined)).toEqual({ trusted: true });
  });

  it('a connection without a key signs nothing', () => {
    expect(signActor(connection(), actor, later)).toBeUndefined();
  });

  it('any change to the signed actor breaks the signature', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('agent', 'admin', 'requester'), fc.string({ minLength: 1, maxLength: 40 }), (sub, role, other) => {
        const signed = JSON.stringify({ sub, roles: [role] });
        const signature = signActor(gatewayConnection, signed, later) as string;
        expect(verifyActor(signed, signature).trusted).toBe(true);
        const changed = JSON.stringify({ sub: sub === other ? `${other}!` : other, roles: [role] });
        expect(verifyActor(changed, signature).trusted).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});
