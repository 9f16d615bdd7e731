// Drives a running Engineering Framework server the way an agent would, with the official TypeScript SDK:
// sets up an organization, department and project through the REST API (API-audience token), grants
// this user MCP access, then over MCP (MCP-audience token) lists the tools, reads the checklist and
// updates an item. Prints each check and, last, "N passed, M failed"; exits 1 on any failure.
// Usage: node smoke.mjs BASE_URL API_TOKEN MCP_TOKEN
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [base, apiToken, mcpToken] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const check = (name, ok, detail = "") => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
};

async function api(method, path, body) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text.length ? JSON.parse(text) : null;
}

try {
  const org = await api("POST", "/api/v1/organizations", { name: "Smoke Test Org" });
  const me = await api("GET", "/api/v1/me");
  const department = await api("POST", `/api/v1/organizations/${org.id}/departments`, { name: "Platform" });
  const project = await api("POST", `/api/v1/organizations/${org.id}/projects`, { departmentId: department.id, name: "Launch" });
  await api("PUT", `/api/v1/organizations/${org.id}/mcp-access/${me.user?.id ?? me.id}`);
  check("REST setup (organization, department, project, MCP grant)", Boolean(project?.project?.id));

  const transport = new StreamableHTTPClientTransport(new URL("/mcp", base), {
    requestInit: { headers: { authorization: `Bearer ${mcpToken}` } },
  });
  const client = new Client({ name: "ci-typescript-sdk", version: "1.0.0" });
  await client.connect(transport);

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  check("tools/list names the checklist tools", ["get_checklist", "update_checklist_item", "whoami"].every((n) => names.includes(n)), names.join(","));

  const whoami = await client.callTool({ name: "whoami", arguments: {} });
  check("whoami lists the organization", whoami.structuredContent?.organizations?.some((o) => o.id === org.id), JSON.stringify(whoami.structuredContent));

  const checklist = await client.callTool({ name: "get_checklist", arguments: { organization_id: org.id, project_id: project.project.id } });
  const item = checklist.structuredContent?.categories?.[0]?.subcategories?.[0]?.items?.[0];
  check("get_checklist returns grouped items", Boolean(item?.id), JSON.stringify(checklist.content?.[0]));

  const own = whoami.structuredContent?.organizations?.find((o) => o.id === org.id);
  check("whoami says which statuses wait for a person", own?.needConfirmation?.includes("Done") && own?.agentsMaySetAlone?.includes("InProgress"), JSON.stringify(own));

  const asked = await client.callTool({
    name: "update_checklist_item",
    arguments: { organization_id: org.id, project_id: project.project.id, item_id: item.id, version: item.version, status: "Done", evidence_link: "https://example.com/evidence", rationale: "The evidence shows it." },
  });
  check(
    "an agent's Done waits for a person's confirmation, its evidence saved",
    !asked.isError && asked.structuredContent?.awaitingConfirmation === "Done" && asked.structuredContent?.status === item.status && asked.structuredContent?.evidenceLinks?.length === 1,
    JSON.stringify(asked.content?.[0]),
  );

  const updated = await client.callTool({
    name: "update_checklist_item",
    arguments: { organization_id: org.id, project_id: project.project.id, item_id: item.id, version: asked.structuredContent?.version, status: "InProgress" },
  });
  check("update_checklist_item sets In progress on its own", !updated.isError && updated.structuredContent?.status === "InProgress", JSON.stringify(updated.content?.[0]));

  const reread = await client.callTool({ name: "get_checklist_item", arguments: { organization_id: org.id, project_id: project.project.id, item_id: item.id } });
  check("the change is visible on the next read", reread.structuredContent?.item?.status === "InProgress");

  const waiting = await client.callTool({ name: "list_sign_off_requests", arguments: { organization_id: org.id, state: "Withdrawn" } });
  check("the direct change withdrew the waiting request", waiting.structuredContent?.requests?.length === 1, JSON.stringify(waiting.content?.[0]));

  const stale = await client.callTool({
    name: "update_checklist_item",
    arguments: { organization_id: org.id, project_id: project.project.id, item_id: item.id, version: item.version, status: "InProgress" },
  });
  check("a stale version is refused", stale.isError === true);
  await client.close();

  // A service account's token (no OAuth flow) on the same MCP server: an agent under the sign-off policy.
  const role = await api("POST", `/api/v1/organizations/${org.id}/role-templates`, { name: "Pipelines", permissions: ["update_checklists"] });
  const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
  const account = await api("POST", `/api/v1/organizations/${org.id}/service-accounts`, { name: "Smoke CI", roleTemplateId: role.id, expiresAt });
  const token = await api("POST", `/api/v1/organizations/${org.id}/service-accounts/${account.id}/tokens`, { name: "smoke" });
  const bot = new Client({ name: "ci-pipeline", version: "1.0.0" });
  await bot.connect(new StreamableHTTPClientTransport(new URL("/mcp", base), { requestInit: { headers: { authorization: `Bearer ${token.secret}` } } }));
  const botWhoami = await bot.callTool({ name: "whoami", arguments: {} });
  const botChecklist = await bot.callTool({ name: "get_checklist", arguments: { organization_id: org.id, project_id: project.project.id } });
  const botItem = botChecklist.structuredContent?.categories?.[0]?.subcategories?.[0]?.items?.[1];
  const botDone = await bot.callTool({
    name: "update_checklist_item",
    arguments: { organization_id: org.id, project_id: project.project.id, item_id: botItem.id, version: botItem.version, status: "Done", rationale: "The smoke run passed." },
  });
  check(
    "a service account's token works on MCP, and its Done waits for a person",
    botWhoami.structuredContent?.organizations?.[0]?.id === org.id && botDone.structuredContent?.awaitingConfirmation === "Done",
    JSON.stringify(botDone.content?.[0]),
  );
  await bot.close();
  await api("POST", `/api/v1/organizations/${org.id}/service-accounts/${account.id}/tokens/${token.token.id}/revoke`);
  const refused = await fetch(new URL("/mcp", base), {
    method: "POST",
    headers: { authorization: `Bearer ${token.secret}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  check("a revoked service account token is refused on the next request", refused.status === 401, String(refused.status));
} catch (error) {
  check("smoke run", false, error?.stack ?? String(error));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
