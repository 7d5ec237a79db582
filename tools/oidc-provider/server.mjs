// A local OpenID provider that behaves like ID-porten (and, with another config, like a
// municipality's Entra ID): the `pid` claim, ID-porten's acr values, PKCE (S256) required,
// RP-initiated logout. Built on the certified `oidc-provider` package; what is ours is only
// the configuration and a one-field test login page (like ID-porten's TestID).
//
// Usage: node tools/oidc-provider/server.mjs [config.json]
//   OIDC_PORT (default 9000), OIDC_HOST (default 127.0.0.1), OIDC_ISSUER (default
//   http://OIDC_HOST:OIDC_PORT), OIDC_SITE_URL (Stafettlogg's address, for ${SITE_URL}).
//   The config names the clients and the test identities.
// Prints "ready <issuer>" on stdout once it listens.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const here = new URL('.', import.meta.url);
const configPath = process.argv[2] || new URL('demo.json', here);
const host = process.env.OIDC_HOST || '127.0.0.1';
// The demo's redirect addresses follow where `make run` serves Stafettlogg.
const siteUrl = (process.env.OIDC_SITE_URL || 'http://127.0.0.1:8000').replace(/\/$/, '');
const config = JSON.parse(readFileSync(configPath, 'utf8').replaceAll('${SITE_URL}', siteUrl));
const port = Number(process.env.OIDC_PORT || config.port || 9000);
const issuer = process.env.OIDC_ISSUER || `http://${host}:${port}`;
const levels = config.acr_values || ['idporten-loa-substantial', 'idporten-loa-high'];
const identities = config.identities || [];

// TestID accepts any synthetic national ID number: an unknown 11-digit number is a person
// too, with a subject derived from it (ID-porten's sub is a stable pseudonym, never the pid).
function identityFor(login) {
  const typed = String(login || '').trim();
  const known = identities.find((i) => [i.pid, i.email, i.sub].includes(typed));
  if (known) return { ...known, sub: known.sub || pseudonym(known.pid || known.email) };
  if (/^[0-9]{11}$/.test(typed)) return { pid: typed, sub: pseudonym(typed), name: 'Test Testesen' };
  return null;
}
function pseudonym(value) {
  return createHash('sha256').update(`${issuer}|${value}`).digest('base64url').slice(0, 32);
}
const bySub = new Map();

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
function page(title, body) {
  return `<!doctype html><html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

const provider = new Provider(issuer, {
  clients: config.clients,
  acrValues: levels,
  claims: {
    // acr and amr in every ID token, as ID-porten and Entra ID send them.
    openid: ['sub', 'pid', 'acr', 'amr', 'auth_time'],
    profile: ['name', 'given_name', 'family_name'],
    email: ['email'],
  },
  // ID-porten puts `pid` and `acr` in the ID token itself.
  conformIdTokenClaims: false,
  pkce: { required: () => true, methods: ['S256'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Logg ut', `${form}<p>Vil du logge ut?</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Logg ut</button>`);
      },
    },
  },
  cookies: { keys: [config.cookie_key || 'local-test-provider-only'] },
  ttl: { IdToken: Number(config.id_token_ttl || 3600) },
  async findAccount(ctx, sub) {
    const identity = bySub.get(sub);
    if (!identity) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { pid, email, name, given_name, family_name } = identity;
        return { sub, pid, email, name, given_name, family_name };
      },
    };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Feil', `<p>${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
});
provider.proxy = false;

async function finishLogin(req, res, details, identity, level) {
  bySub.set(identity.sub, identity);
  const grant = new provider.Grant({ accountId: identity.sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope || 'openid'));
  grant.addOIDCClaims(['pid', 'name', 'given_name', 'family_name', 'email']);
  const grantId = await grant.save();
  const amr = config.amr ? config.amr[level] || ['pwd'] : ['TestID'];
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: identity.sub, acr: level, amr }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const handler = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([A-Za-z0-9_-]+)$/);
  if (!match) return handler(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'POST') {
      const form = await readForm(req);
      const identity = identityFor(form.get('login'));
      const level = levels.includes(form.get('acr')) ? form.get('acr') : levels[0];
      if (!identity) {
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(page('Ukjent bruker', '<p>Ingen testbruker med det.</p><a href="">Prøv igjen</a>'));
      }
      return await finishLogin(req, res, details, identity, level);
    }
    const options = levels.map((l) => `<option value="${escape(l)}">${escape(l)}</option>`).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page(config.title || 'TestID', `
<form method="post" action="/interaction/${escape(match[1])}">
<p><label for="login">${escape(config.login_label || 'Fødselsnummer')}</label>
<input id="login" name="login" autocomplete="off" required></p>
<p><label for="acr">Nivå</label> <select id="acr" name="acr">${options}</select></p>
<button type="submit">Logg inn</button></form>`));
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page('Feil', `<p>${escape(error.message)}</p>`));
  }
});
server.listen(port, host, () => {
  process.stdout.write(`ready ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
