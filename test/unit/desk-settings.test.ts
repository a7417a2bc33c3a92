// The desk's settings from the environment: OpenID Connect (all or nothing, the client secret
// never printed) and which reverse proxies to believe.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSettings } from '../../config/index.ts';

const OIDC = {
  VIGIE_OIDC_ISSUER: 'https://id.example.gouv.fr/realms/vigie',
  VIGIE_OIDC_CLIENT_ID: 'vigie-desk',
  VIGIE_OIDC_CLIENT_SECRET: 'very-secret-client-secret',
  VIGIE_OIDC_REDIRECT_URL: 'https://vigie.example.gouv.fr/api/v1/oidc/callback',
};

describe('desk settings', () => {
  it('OpenID Connect is off without an issuer', () => {
    expect(loadSettings({}).oidc).toBeUndefined();
  });

  it('reads OpenID Connect with defaults, and the client secret prints nowhere', () => {
    const settings = loadSettings(OIDC);
    expect(settings.oidc).toMatchObject({ issuer: OIDC.VIGIE_OIDC_ISSUER, clientId: 'vigie-desk', usernameClaim: 'preferred_username', label: 'OpenID Connect', allowHttp: false });
    expect(settings.oidc!.clientSecret!.reveal()).toBe(OIDC.VIGIE_OIDC_CLIENT_SECRET);
    for (const printed of [JSON.stringify(settings), inspect(settings, { depth: 10 }), String(settings.oidc!.clientSecret)]) {
      expect(printed).not.toContain(OIDC.VIGIE_OIDC_CLIENT_SECRET);
    }
  });

  it('an issuer without the rest is a configuration error naming what is missing', () => {
    try {
      loadSettings({ VIGIE_OIDC_ISSUER: OIDC.VIGIE_OIDC_ISSUER });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const paths = (err as ConfigError).issues.map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(['oidc.clientId', 'oidc.redirectUrl']));
    }
  });

  it('trusts no proxy by default; true or a list of addresses when told', () => {
    expect(loadSettings({}).httpTrustProxy).toBe(false);
    expect(loadSettings({ VIGIE_HTTP_TRUST_PROXY: 'true' }).httpTrustProxy).toBe(true);
    expect(loadSettings({ VIGIE_HTTP_TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).httpTrustProxy).toEqual(['10.0.0.1', '10.0.0.2']);
  });
});
