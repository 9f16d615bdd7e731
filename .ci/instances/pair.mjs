// Two server processes of one deployment (same PostgreSQL database, separate home folders), driven as a client would:
// what one instance changes, the other honours on its very next request. No dependencies: Node's fetch.
// Usage: node pair.mjs A_BASE B_BASE ADA_API_TOKEN ADA_MCP_TOKEN BEN_API_TOKEN BEN_EMAIL BEN_PASSWORD
// In OpenFGA mode (EF_PAIR_OPENFGA set by instances.sh) it also stops OpenFGA, expects both instances to fail closed
// (503 with Retry-After, not ready, no access granted), brings it back and compares OpenFGA's tuples with the database's.
import { execFileSync } from 'node:child_process';

const [a, b, adaApi, adaMcp, benApi, benEmail, benPassword] = process.argv.slice(2);
let passed = 0;
let failed = 0;

function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name} ${detail}`);
  }
}

async function api(base, token, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function mcpInitialize(base, token) {
  const response = await fetch(base + '/mcp', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pair', version: '1' } } }),
  });
  await response.text();
  return response.status;
}

/** A cookie jar shared by both instances, as a browser behind a load balancer has one. */
const jar = new Map();
function remember(response) {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
}
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function browse(base, path, form) {
  const response = await fetch(base + path, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { Cookie: cookieHeader(), ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  remember(response);
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

/** The hidden inputs of the form that contains the named field (antiforgery token, handler). */
function hiddenInputs(html, field) {
  const forms = html.match(/<form[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((f) => f.includes(`name="${field}"`)) ?? '';
  const fields = {};
  for (const input of form.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1] ?? '';
    if (name) fields[name] = value.replaceAll('&#x2B;', '+').replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');
  }
  return fields;
}

// 1. Created on A, read on B at once.
const org = await api(a, adaApi, 'POST', '/api/v1/organizations', { name: 'Pair org' });
check('A creates an organization', org.status === 201, `status ${org.status}`);
const orgPath = `/api/v1/organizations/${org.json.id}`;
const department = await api(a, adaApi, 'POST', `${orgPath}/departments`, { name: 'Platform' });
const project = await api(a, adaApi, 'POST', `${orgPath}/projects`, { name: 'Payments', departmentId: department.json.id });
check('A creates a project', project.status === 201, `status ${project.status}`);
const read = await api(b, adaApi, 'GET', `${orgPath}/projects/${project.json.project.id}`);
check('B reads the project at once', read.status === 200, `status ${read.status}`);

// 2. MCP access granted and revoked on A, honoured by B on its next call.
const me = await api(b, adaApi, 'GET', '/api/v1/me');
const grant = await api(a, adaApi, 'PUT', `${orgPath}/mcp-access/${me.json.id}`);
check('A grants MCP access', grant.status === 204, `status ${grant.status}`);
const granted = await mcpInitialize(b, adaMcp);
check('B serves MCP to the granted user', granted === 200, `status ${granted}`);
const revoke = await api(a, adaApi, 'DELETE', `${orgPath}/mcp-access/${me.json.id}`);
check('A revokes MCP access', revoke.status === 204, `status ${revoke.status}`);
const refused = await mcpInitialize(b, adaMcp);
check('B refuses MCP on the next call after the revocation', refused === 403, `status ${refused}`);

// 3. A session cookie and an antiforgery token issued by A are accepted by B.
const signInPage = await browse(a, '/Account/SignIn');
const signIn = await browse(a, '/Account/SignIn', { ...hiddenInputs(signInPage.html, 'Input.Email'), 'Input.Email': benEmail, 'Input.Password': benPassword });
check('A signs the person in', signIn.status === 302, `status ${signIn.status}`);
const onboarding = await browse(a, '/onboarding');
check('A shows the onboarding form', onboarding.status === 200, `status ${onboarding.status}`);
const created = await browse(b, '/onboarding', { ...hiddenInputs(onboarding.html, 'Create.Name'), 'Create.Name': 'Made on B' });
check("B accepts A's cookie and antiforgery token", created.status === 302 || created.status === 303, `status ${created.status}`);
const benMe = await api(a, benApi, 'GET', '/api/v1/me');
check('the organization made on B is there', benMe.json?.memberships?.some((m) => m.organizationName === 'Made on B'), JSON.stringify(benMe.json));

if (process.env.EF_PAIR_OPENFGA) {
  await openFgaStoppedAndBack(project.json.project.id);
}

console.log(`instances: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

async function openFgaStoppedAndBack(projectId) {
  const fga = process.env.EF_PAIR_OPENFGA;
  const control = process.env.EF_PAIR_OPENFGA_CONTROL;
  const projectPath = `${orgPath}/projects/${projectId}`;

  // 4. OpenFGA stopped: both instances fail closed, visibly.
  const stopped = await fetch(control + '/api/stop', { method: 'POST' });
  check('OpenFGA stops', stopped.status === 204, `status ${stopped.status}`);
  for (const [name, base] of [['A', a], ['B', b]]) {
    const response = await fetch(base + projectPath, { headers: { Authorization: `Bearer ${adaApi}` } });
    const problem = await response.json().catch(() => null);
    check(`${name} answers a read with 503, Retry-After and a problem document while OpenFGA is down`,
      response.status === 503 && Number(response.headers.get('retry-after')) > 0
        && response.headers.get('content-type')?.startsWith('application/problem+json') && problem?.status === 503,
      `status ${response.status} retry-after ${response.headers.get('retry-after')} ${JSON.stringify(problem)}`);
    const outsider = await api(base, benApi, 'GET', projectPath);
    check(`${name} grants nothing to a non-member while OpenFGA is down (503, not 200)`, outsider.status === 503, `status ${outsider.status}`);
    const mcp = await mcpInitialize(base, adaMcp);
    check(`${name} serves no MCP while OpenFGA is down`, mcp === 503, `status ${mcp}`);
    const ready = await fetch(base + '/health/ready');
    check(`${name} is not ready while OpenFGA is down`, ready.status === 503, `status ${ready.status}`);
  }

  // A change that needs no permission commits while OpenFGA is away; its tuples wait in the outbox.
  const during = await api(a, benApi, 'POST', '/api/v1/organizations', { name: 'Made while OpenFGA was down' });
  check('A commits a new organization while OpenFGA is down (no check needed; tuples wait)', during.status === 201, `status ${during.status}`);
  const waiting = await (await fetch(b + '/health/ready')).json().catch(() => ({}));
  check('B reports the waiting tuple changes on /health/ready', undelivered(waiting) > 0, JSON.stringify(waiting));

  // 5. OpenFGA back: the very next requests succeed, everything is delivered, and OpenFGA holds the database's tuples.
  const started = await fetch(control + '/api/start', { method: 'POST' });
  check('OpenFGA comes back', started.status === 204, `status ${started.status}`);
  const again = await api(b, adaApi, 'GET', projectPath);
  check('B serves the project again on the first request', again.status === 200, `status ${again.status}`);
  const madeDuring = await api(b, benApi, 'GET', `/api/v1/organizations/${during.json?.id}`);
  check('B serves the organization committed during the outage to its admin', madeDuring.status === 200, `status ${madeDuring.status}`);
  const stillOutside = await api(a, benApi, 'GET', projectPath);
  check('A still refuses the non-member', stillOutside.status === 404 || stillOutside.status === 403, `status ${stillOutside.status}`);
  for (const [name, base] of [['A', a], ['B', b]]) {
    const ready = await fetch(base + '/health/ready');
    const report = await ready.json().catch(() => null);
    check(`${name} is ready with nothing left to deliver`, ready.status === 200 && undelivered(report) === 0, `status ${ready.status} ${JSON.stringify(report)}`);
  }

  const inOpenFga = await openFgaTuples(fga);
  const inDatabase = databaseTuples();
  const missing = [...inDatabase].filter((t) => !inOpenFga.has(t));
  const extra = [...inOpenFga].filter((t) => !inDatabase.has(t));
  check(`OpenFGA's tuple set equals the database's (${inDatabase.size} tuples)`, inDatabase.size > 0 && missing.length === 0 && extra.length === 0,
    `missing in OpenFGA: ${JSON.stringify(missing.slice(0, 5))}; only in OpenFGA: ${JSON.stringify(extra.slice(0, 5))}`);
}

/** The undelivered count a readiness report gives, or null when it gives none. */
function undelivered(report) {
  const counts = Object.values(report?.checks ?? {}).map((c) => c.data?.undeliveredTupleChanges).filter((n) => typeof n === 'number');
  return counts.length === 1 ? counts[0] : null;
}

/** Every tuple of the store, through OpenFGA's paged read API. */
async function openFgaTuples(fga) {
  const tuples = new Set();
  let token = '';
  do {
    const response = await fetch(`${fga}/stores/${process.env.EF_PAIR_OPENFGA_STORE}/read`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${process.env.EF_PAIR_OPENFGA_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ page_size: 100, continuation_token: token }),
    });
    const page = await response.json();
    if (response.status !== 200) throw new Error(`OpenFGA read answered ${response.status}: ${JSON.stringify(page)}`);
    for (const { key } of page.tuples) tuples.add(`${key.user} ${key.relation} ${key.object}`);
    token = page.continuation_token;
  } while (token);
  return tuples;
}

/** The database's tuple set (the source of truth OpenFGA is fed from). */
function databaseTuples() {
  const args = [...process.env.EF_PAIR_PSQL_ARGS.split(' '), '-At', '-c', 'SELECT "User" || \' \' || "Relation" || \' \' || "Object" FROM "RelationshipTuples"'];
  const lines = execFileSync(process.env.EF_PAIR_PSQL, args, { encoding: 'utf8' }).split('\n').filter(Boolean);
  return new Set(lines);
}
