// A real OpenID Connect provider (npm oidc-provider) for the single sign-on tests, on loopback.
// Started by tests/sso_provider.py with ISSUER (http://127.0.0.1:PORT), PORT, CLIENT_ID,
// CLIENT_SECRET and REDIRECT_URI in the environment; prints "klaar" once it listens.
// Login through the library's dev interactions (any password) with one of the fixed
// accounts below; consent is implied (a first-party client), PKCE is required.
import Provider from 'oidc-provider';

const { ISSUER, PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = process.env;

// login → the claims this provider asserts about that person.
const ACCOUNTS = {
  'gemeente@test.nl': { email: 'gemeente@test.nl', email_verified: true },
  'regio@test.nl': { email: 'regio@test.nl', email_verified: true },
  'onbekend@elders.nl': { email: 'onbekend@elders.nl', email_verified: true },
  'onbevestigd@test.nl': { email: 'gemeente@test.nl', email_verified: false },
};

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  conformIdTokenClaims: false, // the e-mail claims in the ID token itself
  cookies: { keys: ['alleen-voor-tests'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = ACCOUNTS[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email');
    await grant.save();
    return grant;
  },
});

provider.listen(Number(PORT), '127.0.0.1', () => console.log('klaar'));
