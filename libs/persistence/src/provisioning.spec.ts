import { createHash, createHmac } from 'node:crypto';
import { provisioningSql, scramVerifier, serviceDatabaseUrl, serviceRoleName } from './provisioning';

describe('service role provisioning', () => {
  it('derives the SCRAM-SHA-256 keys of RFC 7677 (user "user", password "pencil")', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const [, keys] = scramVerifier('pencil', salt).split('$').slice(1);
    const [storedKey, serverKey] = (keys ?? '').split(':').map((key) => Buffer.from(key, 'base64'));
    const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
    expect(createHmac('sha256', serverKey as Buffer).update(authMessage).digest('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    // ClientKey = ClientProof XOR ClientSignature, and StoredKey = H(ClientKey).
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const signature = createHmac('sha256', storedKey as Buffer).update(authMessage).digest();
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ (signature[i] ?? 0)));
    expect(createHash('sha256').update(clientKey).digest().equals(storedKey as Buffer)).toBe(true);
  });

  it('never puts the password into the SQL', () => {
    const sql = provisioningSql([{ service: 'incident', password: 'do-not-show-me' }]).join('\n');
    expect(sql).not.toContain('do-not-show-me');
    expect(sql).toContain("ALTER ROLE itsm_incident PASSWORD 'SCRAM-SHA-256$4096:");
  });

  it('gives a service the administrator URL as its own role, with its password when it has one', () => {
    expect(serviceDatabaseUrl('postgres://postgres:admin@db.example:5433/itsm?sslmode=require', 'sla')).toBe('postgres://itsm_sla@db.example:5433/itsm?sslmode=require');
    expect(serviceDatabaseUrl('postgres://postgres@db:5432/itsm', 'sla', 'p@ss/word')).toBe('postgres://itsm_sla:p%40ss%2Fword@db:5432/itsm');
  });

  it('refuses names that are not plain SQL identifiers', () => {
    expect(serviceRoleName('cmdb')).toBe('itsm_cmdb');
    expect(() => serviceRoleName('Cmdb')).toThrow('invalid SQL identifier');
    expect(() => provisioningSql(['x"; DROP ROLE postgres; --'])).toThrow('invalid SQL identifier');
  });
});
