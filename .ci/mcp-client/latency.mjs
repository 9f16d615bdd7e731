// Latency of one MCP tools/call (get_checklist, compact) over loopback, measured by the official TypeScript
// SDK client against a running server. Sets up its own organization/department/project over REST.
// Usage: node latency.mjs BASE_URL API_TOKEN MCP_TOKEN [CALLS]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [base, apiToken, mcpToken, callsArg] = process.argv.slice(2);
const calls = Number(callsArg ?? 500);

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

const org = await api("POST", "/api/v1/organizations", { name: `Latency ${Date.now()}` });
const me = await api("GET", "/api/v1/me");
const department = await api("POST", `/api/v1/organizations/${org.id}/departments`, { name: "Platform" });
const project = await api("POST", `/api/v1/organizations/${org.id}/projects`, { departmentId: department.id, name: "Launch" });
await api("PUT", `/api/v1/organizations/${org.id}/mcp-access/${me.user?.id ?? me.id}`);

const client = new Client({ name: "latency", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", base), { requestInit: { headers: { authorization: `Bearer ${mcpToken}` } } }));
const args = { name: "get_checklist", arguments: { organization_id: org.id, project_id: project.project.id } };
// Warm-up: MCP_LATENCY_WARMUP calls (default 50). The server's JIT keeps re-optimizing hot methods for tens of
// seconds on a small machine, so bench/mcp-latency.sh warms longer to time the steady state of a running server.
const warmup = Number(process.env.MCP_LATENCY_WARMUP ?? 50);
for (let i = 0; i < warmup; i++) await client.callTool(args);

const timings = [];
for (let i = 0; i < calls; i++) {
  const start = process.hrtime.bigint();
  const result = await client.callTool(args);
  timings.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (result.isError) throw new Error(JSON.stringify(result.content));
}
timings.sort((a, b) => a - b);
const at = (q) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))].toFixed(2);
const items = (await client.callTool(args)).structuredContent.categories.flatMap((c) => c.subcategories.flatMap((s) => s.items)).length;
console.log(`tools/call get_checklist (${items} items), ${warmup} warm-up then ${calls} sequential calls: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
await client.close();
