// Two server processes of one deployment (same PostgreSQL database, separate home folders), driven as a client would:
// what one instance changes, the other honours on its very next request. No dependencies: Node's fetch.
// Usage: node pair.mjs A_BASE B_BASE ADA_API_TOKEN ADA_MCP_TOKEN BEN_API_TOKEN BEN_EMAIL BEN_PASSWORD
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

console.log(`instances: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
