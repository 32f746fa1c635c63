import { describe, expect, it } from 'vitest';
import { assertSoleEnterprise } from '../../src/vision/adapt/box-owner.ts';

// Who may read and change the box's one site model over HTTP (the routes' attacker tests are in
// tests/security/site-learning-access.test.ts).
describe('the site model belongs to the box: an enterprise admin acts on it only as its sole tenant', () => {
  it('lets the admin of the only enterprise with cameras or crops on the box', () => {
    expect(() => assertSoleEnterprise('ent-a', ['ent-a', 'ent-a'])).not.toThrow();
    expect(() => assertSoleEnterprise('ent-a', [])).not.toThrow();
  });

  it('refuses while anything of another enterprise is on the box, and a caller with no enterprise', () => {
    const refused = { code: 'JH_ERR_ADAPT_SHARED_BOX', status: 403 };
    expect(() => assertSoleEnterprise('ent-b', ['ent-a'])).toThrow(expect.objectContaining(refused));
    expect(() => assertSoleEnterprise('ent-a', ['ent-a', 'ent-b'])).toThrow(expect.objectContaining(refused));
    expect(() => assertSoleEnterprise(null, [])).toThrow(expect.objectContaining(refused));
  });
});
