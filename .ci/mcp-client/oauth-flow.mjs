// A real external MCP client signs a person in through the whole OAuth flow, as an agent does: the official
// TypeScript SDK's OAuth client (@modelcontextprotocol/sdk) discovers the protected resource metadata and the
// authorization server, identifies itself (by dynamic client registration, or by a Client ID Metadata Document),
// sends the person's browser to the authorization URL, exchanges the code, refreshes, and lists the tools on /mcp.
// The browser is the machine's Chromium driven by playwright-core: it starts signed out, signs in (with a second
// factor in one run) and allows access on the consent page. Three runs, each in a new empty browser profile:
//   dcr                 dynamic client registration
//   metadata-document   the SDK's clientMetadataUrl (SEP-991), an https document this script serves on loopback
//   dcr-two-factor      dynamic client registration, with two-factor sign-in turned on first (in the browser)
// Any Content Security Policy report from the browser fails the run. Prints each check, then one summary line;
// exits 1 on any failure. Screenshots: $EF_ARTIFACTS_PATH/e2e-screenshots/oauth-{run}-NN-step.png.
//
// Usage: node oauth-flow.mjs BASE_URL
// Environment: EF_OAUTH_EMAIL, EF_OAUTH_PASSWORD (a confirmed account), EF_OAUTH_API_TOKEN (a REST API token for that
// account, used once to create an organization and grant the account MCP access), EF_OAUTH_TLS_CERT and
// EF_OAUTH_TLS_KEY (PEM files for 127.0.0.1, from a CA the server under test trusts: see .ci/mcp-oauth.sh).
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { chromium } from "playwright-core";

const base = process.argv[2];
const env = (name) => process.env[name] ?? fail(`${name} is not set`);
const email = env("EF_OAUTH_EMAIL");
const password = env("EF_OAUTH_PASSWORD");
const apiToken = env("EF_OAUTH_API_TOKEN");
const mcpUrl = new URL("/mcp", base);
const screenshots = join(process.env.EF_ARTIFACTS_PATH ?? resolve(import.meta.dirname, "../../artifacts"), "e2e-screenshots");

// Upper bounds, never waits: each step goes on as soon as its condition holds.
const STEP_TIMEOUT_MS = 30_000;
const WHOLE_RUN_MS = 240_000;
const SCOPE = "openid email profile offline_access";

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
  return ok;
}
function fail(message) { throw new Error(message); }

// A hung browser or server must not hang CI: past the bound, report and leave.
setTimeout(() => {
  console.log(`FAIL the OAuth flow did not finish within ${WHOLE_RUN_MS / 1000} s`);
  console.log(`oauth-flow: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}, WHOLE_RUN_MS).unref();

// ---------------------------------------------------------------------------------------------------------------
// The client's redirect URI: a loopback listener (RFC 8252) that hands each arrival to whoever waits for its state.

function startCallbackServer() {
  const waiting = new Map();
  const arrived = new Map();
  const server = createHttpServer((request, response) => {
    const url = new URL(request.url, "http://127.0.0.1");
    if (url.pathname !== "/callback") { response.writeHead(404).end(); return; }
    const params = Object.fromEntries(url.searchParams);
    const state = params.state ?? "";
    if (waiting.has(state)) { waiting.get(state)(params); waiting.delete(state); } else { arrived.set(state, params); }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Client</title></head><body><h1>${params.code ? "Signed in" : "Not signed in"}</h1><p>The client received: ${Object.keys(params).join(", ")}. You can close this window.</p></body></html>`);
  });
  return new Promise((ready) => server.listen(0, "127.0.0.1", () => ready({
    redirectUrl: `http://127.0.0.1:${server.address().port}/callback`,
    /** What the browser delivers to the redirect URI for this state, within the bound. */
    arrival(state) {
      if (arrived.has(state)) { const params = arrived.get(state); arrived.delete(state); return Promise.resolve(params); }
      return new Promise((done, reject) => {
        const timer = setTimeout(() => { waiting.delete(state); reject(new Error(`nothing reached the redirect URI within ${STEP_TIMEOUT_MS / 1000} s`)); }, STEP_TIMEOUT_MS);
        waiting.set(state, (params) => { clearTimeout(timer); done(params); });
      });
    },
    close: () => new Promise((done) => server.close(done)),
  })));
}

// The client's own metadata document (the SDK accepts only an https clientMetadataUrl), served from loopback with a
// certificate the server under test was started to trust.
function startDocumentServer(redirectUrl) {
  let fetches = 0;
  const server = createHttpsServer({ cert: readFileSync(env("EF_OAUTH_TLS_CERT")), key: readFileSync(env("EF_OAUTH_TLS_KEY")) }, (request, response) => {
    const url = `https://127.0.0.1:${server.address().port}/oauth-client.json`;
    if (new URL(request.url, url).pathname !== "/oauth-client.json") { response.writeHead(404).end(); return; }
    fetches++;
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache" });
    response.end(JSON.stringify({
      client_id: url,
      client_name: "CI TypeScript SDK (metadata document)",
      redirect_uris: [redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    }));
  });
  return new Promise((ready) => server.listen(0, "127.0.0.1", () => ready({
    url: `https://127.0.0.1:${server.address().port}/oauth-client.json`,
    fetches: () => fetches,
    close: () => new Promise((done) => server.close(done)),
  })));
}

// ---------------------------------------------------------------------------------------------------------------
// The browser: the system's Chromium, a new empty profile per run, every Content Security Policy report recorded.

const VIOLATION_REPORTER = `document.addEventListener('securitypolicyviolation', e =>
  console.error('Content Security Policy violation: ' + e.effectiveDirective + ' refused ' + (e.blockedURI || '(inline)') + ' on ' + e.documentURI));`;

async function openBrowser(run) {
  const profile = mkdtempSync(join(tmpdir(), `ef-oauth-${run}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const reports = [];
  let reported;
  const firstReport = new Promise((done) => { reported = done; });
  const report = (text) => { reports.push(text); reported(text); };
  await context.addInitScript(VIOLATION_REPORTER);
  context.on("console", (message) => { if (/content security policy/i.test(message.text())) report(`console ${message.type()}: ${message.text()}`); });
  context.on("weberror", (error) => report(`page error: ${error.error()}`));
  let step = 0;
  return {
    context,
    reports,
    firstReport,
    async screenshot(page, name) {
      step++;
      await page.screenshot({ path: join(screenshots, `oauth-${run}-${String(step).padStart(2, "0")}-${name}.png`), fullPage: true });
    },
    async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

// RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) over the base32 key the set-up page shows.
function totp(base32Key, now = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32Key.replace(/[\s=]/g, "").toUpperCase()) {
    const value = alphabet.indexOf(c);
    if (value < 0) fail(`'${c}' is not a base32 character`);
    bits += value.toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const hash = createHmac("sha1", key).update(counter).digest();
  const offset = hash[hash.length - 1] & 0x0f;
  return String((hash.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/**
 * The watch the runs rely on is not blind: a form on the sign-in page (whose policy allows forms to post to this
 * origin only) submitted to the client's redirect URI is refused, and the refusal is reported.
 */
async function checkTheWatch(redirectUrl) {
  const browser = await openBrowser("watch");
  try {
    const page = await browser.context.newPage();
    await page.goto(new URL("/Account/SignIn", base).href);
    await page.evaluate((action) => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = action;
      document.body.append(form);
      form.submit();
    }, redirectUrl);
    const timeout = new Promise((done) => setTimeout(() => done(undefined), STEP_TIMEOUT_MS).unref());
    const first = await Promise.race([browser.firstReport, timeout]);
    check("the browser watch reports a form-action refusal it is shown", first?.includes("form-action") === true, first ?? "nothing reported");
  } finally {
    await browser.close();
  }
}

/** Turns two-factor sign-in on as the person does, at /Manage/TwoFactor; returns the shared key. */
async function turnOnTwoFactor() {
  const browser = await openBrowser("two-factor-setup");
  try {
    const page = await browser.context.newPage();
    await page.goto(new URL("/Account/SignIn", base).href);
    await signIn(page);
    await page.waitForURL((url) => !url.pathname.startsWith("/Account/SignIn"), { waitUntil: "commit" });
    await page.goto(new URL("/Manage/TwoFactor", base).href);
    const key = (await page.getByText("Add this key to your authenticator app").locator("code").innerText()).trim();
    await page.getByLabel("Code from your authenticator app").fill(totp(key));
    await browser.screenshot(page, "code-entered");
    await page.getByRole("button", { name: "Turn on" }).click();
    const on = page.getByRole("status").filter({ hasText: "Two-factor authentication is on" });
    await on.waitFor();
    await browser.screenshot(page, "turned-on");
    check("[dcr-two-factor] two-factor sign-in turned on in the browser (key read from the page, TOTP computed here)", await on.isVisible());
    check("[dcr-two-factor] the browser reported nothing against the pages' Content Security Policy while turning it on", browser.reports.length === 0, browser.reports.join(" | "));
    return key;
  } finally {
    await browser.close();
  }
}

async function signIn(page) {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

// ---------------------------------------------------------------------------------------------------------------
// The SDK's side: an OAuthClientProvider kept in memory, whose redirectToAuthorization is the person in the browser.

class BrowserOAuthProvider {
  constructor({ run, redirectUrl, clientMetadataUrl, authorizeInBrowser }) {
    this.run = run;
    this._redirectUrl = redirectUrl;
    // Set only for the metadata-document run: the SDK then uses this URL as the client_id instead of registering,
    // because the authorization server advertises client_id_metadata_document_supported.
    this.clientMetadataUrl = clientMetadataUrl;
    this.authorizeInBrowser = authorizeInBrowser;
    this.savedTokens = [];
    this.browserTrips = 0;
  }

  get redirectUrl() { return this._redirectUrl; }

  get clientMetadata() {
    return {
      client_name: `CI TypeScript SDK (${this.run})`,
      redirect_uris: [this._redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      scope: SCOPE,
    };
  }

  state() { this.lastState = randomBytes(16).toString("hex"); return this.lastState; }
  clientInformation() { return this.client; }
  saveClientInformation(information) { this.client = information; }
  tokens() { return this.current; }
  saveTokens(tokens) { this.current = tokens; this.savedTokens.push(tokens); }
  saveCodeVerifier(verifier) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  invalidateCredentials(scope) { (this.invalidated ??= []).push(scope); }

  async redirectToAuthorization(authorizationUrl) {
    this.browserTrips++;
    this.authorizationUrl = authorizationUrl;
    this.code = await this.authorizeInBrowser(authorizationUrl, this.lastState);
  }
}

/** A fetch that remembers what the SDK asked of the servers, so the checks can say which way it went. */
function recordingFetch(log) {
  return async (url, init) => {
    const body = init?.body instanceof URLSearchParams ? init.body : undefined;
    log.push({ method: init?.method ?? "GET", url: String(url), grantType: body?.get("grant_type") ?? undefined });
    return fetch(url, init);
  };
}

function jwtPayload(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

function transportFor(provider, requests) {
  return new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: recordingFetch(requests) });
}

async function connect(provider, requests) {
  const transport = transportFor(provider, requests);
  const client = new Client({ name: `ci-oauth-${provider.run}`, version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

// ---------------------------------------------------------------------------------------------------------------
// One run: signed out in a new profile, the SDK's flow end to end, a forced refresh, tools on /mcp.

async function runFlow({ run, callbacks, clientMetadataUrl, documentFetches, totpKey, clientName }) {
  const browser = await openBrowser(run);
  const requests = [];
  const label = (text) => `[${run}] ${text}`;
  try {
    const authorizeInBrowser = async (authorizationUrl, state) => {
      const page = await browser.context.newPage();
      await page.goto(authorizationUrl.href);
      // A new profile holds no session: the authority sends the browser to sign in first.
      await page.getByRole("heading", { name: "Sign in", exact: true, level: 1 }).waitFor();
      check(label("a signed-out browser is sent to sign in first"), new URL(page.url()).pathname === "/Account/SignIn", page.url());
      await browser.screenshot(page, "sign-in");
      await signIn(page);
      if (totpKey) {
        await page.getByRole("heading", { name: "Two-factor sign-in", exact: true, level: 1 }).waitFor();
        check(label("the password alone is not enough: the two-factor step is asked"), new URL(page.url()).pathname === "/Account/SignInTwoFactor", page.url());
        await page.getByLabel("Authenticator code or recovery code").fill(totp(totpKey));
        await browser.screenshot(page, "two-factor");
        await page.getByRole("button", { name: "Continue" }).click();
      }
      await page.getByRole("heading", { name: "Allow access?", exact: true, level: 1 }).waitFor();
      const request = page.locator("#consent-client");
      const named = (await request.innerText()).includes(clientName) && (await request.innerText()).includes("name not verified");
      check(label("the consent page names the client, marked as not verified"), named, await request.innerText());
      if (clientMetadataUrl) {
        const publisher = await page.getByText(new URL(clientMetadataUrl).host, { exact: true }).count();
        check(label("the consent page names the metadata document's host"), publisher > 0);
      }
      await browser.screenshot(page, "consent");
      const arrival = callbacks.arrival(state);
      await page.getByRole("button", { name: "Allow", exact: true }).click();
      const params = await arrival;
      await page.waitForURL((url) => url.href.startsWith(callbacks.redirectUrl), { waitUntil: "load" });
      await browser.screenshot(page, "client-received-code");
      await page.close();
      check(label("the redirect URI received a code with the state the SDK sent, and no error"), Boolean(params.code) && params.state === state && !params.error, JSON.stringify(params));
      return params.code;
    };

    const provider = new BrowserOAuthProvider({ run, redirectUrl: callbacks.redirectUrl, clientMetadataUrl, authorizeInBrowser });

    // First connection: 401 from /mcp, discovery, client identification, the browser trip; the SDK then reports
    // that the person must finish in the browser (UnauthorizedError), which they already did.
    let pending;
    try {
      await connect(provider, requests);
      pending = "connected without authorization";
    } catch (error) {
      pending = error instanceof UnauthorizedError ? undefined : error?.stack ?? String(error);
    }
    check(label("without a token, /mcp answers 401 and the SDK starts the authorization (UnauthorizedError)"), pending === undefined, pending);
    check(label("the SDK discovered the protected resource metadata"), requests.some((r) => r.url.includes("/.well-known/oauth-protected-resource")), requests.map((r) => r.url).join(" "));
    check(label("the SDK discovered the authorization server's metadata"), requests.some((r) => r.url.includes("/.well-known/oauth-authorization-server") || r.url.includes("/.well-known/openid-configuration")));
    const registered = requests.some((r) => r.method === "POST" && r.url.endsWith("/connect/register"));
    if (clientMetadataUrl) {
      check(label("no registration: the client_id is the metadata document's URL"), !registered && provider.client?.client_id === clientMetadataUrl, JSON.stringify(provider.client));
      check(label("the server fetched the metadata document"), documentFetches() > 0);
    } else {
      check(label("the client registered itself (POST /connect/register) and got a client_id"), registered && Boolean(provider.client?.client_id) && !provider.client.client_id.startsWith("http"), JSON.stringify(provider.client));
    }
    const authorizationUrl = provider.authorizationUrl;
    check(label("the authorization request asks for the MCP server, with PKCE S256"),
      authorizationUrl?.searchParams.get("resource") === mcpUrl.href && authorizationUrl?.searchParams.get("code_challenge_method") === "S256", authorizationUrl?.href);

    // The code the browser delivered, exchanged by the SDK with its PKCE verifier.
    await transportFor(provider, requests).finishAuth(provider.code);
    const first = provider.tokens();
    const claims = first?.access_token ? jwtPayload(first.access_token) : {};
    check(label("the code was exchanged for an access token for /mcp and a refresh token"),
      [claims.aud].flat().includes(mcpUrl.href) && Boolean(first?.refresh_token), JSON.stringify({ aud: claims.aud, refresh: Boolean(first?.refresh_token) }));

    const { client } = await connect(provider, requests);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    check(label("tools/list on /mcp with the OAuth access token"), ["whoami", "get_checklist"].every((n) => tools.includes(n)), tools.join(","));
    const whoami = await client.callTool({ name: "whoami", arguments: {} });
    check(label("the token acts for the person who signed in"), JSON.stringify(whoami.structuredContent ?? whoami.content).includes(email), JSON.stringify(whoami.content?.[0]));
    await client.close();

    // Refresh through the SDK: the stored access token goes stale (as an expired one does), /mcp answers 401, and
    // the SDK's auth() takes its refresh path (refresh_token grant) before sending again; no new browser trip.
    provider.current = { ...first, access_token: `${first.access_token.slice(0, -8)}AAAAAAAA` };
    const tokenRequestsBefore = requests.filter((r) => r.grantType === "refresh_token").length;
    const { client: refreshed } = await connect(provider, requests);
    const refreshedTools = (await refreshed.listTools()).tools.map((t) => t.name);
    await refreshed.close();
    const second = provider.tokens();
    check(label("a refused access token made the SDK refresh (refresh_token grant), without a new browser trip"),
      requests.filter((r) => r.grantType === "refresh_token").length === tokenRequestsBefore + 1 && provider.browserTrips === 1,
      `refresh requests: ${requests.filter((r) => r.grantType === "refresh_token").length - tokenRequestsBefore}, browser trips: ${provider.browserTrips}`);
    check(label("the refreshed access token is new and works: tools/list again"), second.access_token !== first.access_token && refreshedTools.includes("whoami"));
    check(label("the refresh token rotated"), Boolean(second.refresh_token) && second.refresh_token !== first.refresh_token);
    check(label("the browser reported nothing against the pages' Content Security Policy"), browser.reports.length === 0, browser.reports.join(" | "));
  } catch (error) {
    check(label("the flow ran to its end"), false, error?.stack ?? String(error));
    if (browser.reports.length) console.log(`     the browser reported: ${browser.reports.join(" | ")}`);
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function grantMcpAccess() {
  const api = async (method, path, body) => {
    const response = await fetch(new URL(path, base), {
      method,
      headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) fail(`${method} ${path} answered ${response.status}: ${text}`);
    return text.length ? JSON.parse(text) : null;
  };
  // As .ci/mcp-smoke.sh does: a token alone is not enough, MCP use needs the organization's explicit access grant.
  const org = await api("POST", "/api/v1/organizations", { name: "OAuth Flow Org" });
  const me = await api("GET", "/api/v1/me");
  await api("PUT", `/api/v1/organizations/${org.id}/mcp-access/${me.user?.id ?? me.id}`);
  check("setup: an organization and the person's MCP access grant (REST)", true);
}

mkdirSync(screenshots, { recursive: true });
for (const stale of readdirSync(screenshots).filter((f) => f.startsWith("oauth-"))) rmSync(join(screenshots, stale));

const callbacks = await startCallbackServer();
let documents;
try {
  await grantMcpAccess();
  await checkTheWatch(callbacks.redirectUrl);
  await runFlow({ run: "dcr", callbacks, clientName: "CI TypeScript SDK (dcr)" });
  documents = await startDocumentServer(callbacks.redirectUrl);
  await runFlow({ run: "metadata-document", callbacks, clientMetadataUrl: documents.url, documentFetches: documents.fetches, clientName: "CI TypeScript SDK (metadata document)" });
  const totpKey = await turnOnTwoFactor();
  await runFlow({ run: "dcr-two-factor", callbacks, totpKey, clientName: "CI TypeScript SDK (dcr-two-factor)" });
} catch (error) {
  check("OAuth flow setup", false, error?.stack ?? String(error));
} finally {
  await callbacks.close();
  await documents?.close();
}

console.log(`oauth-flow: 3 runs (dcr, metadata-document, dcr-two-factor), ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
