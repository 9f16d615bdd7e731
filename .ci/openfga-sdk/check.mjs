// The official OpenFGA JavaScript SDK against an OpenFGA server (our test server in CI): stores, a model written
// as JSON, tuple writes and deletes with the conflict options, paged reads, check, batch-check, list-objects and
// list-users, the error answers the SDK types, and a wrong key. One line per check; exits 1 on any mismatch.
// Usage: node check.mjs API_URL [PRESHARED_KEY]
import {
  CredentialsMethod,
  FgaApiAuthenticationError,
  FgaApiNotFoundError,
  FgaApiValidationError,
  OpenFgaClient,
} from "@openfga/sdk";

const [apiUrl, key] = process.argv.slice(2);
if (!apiUrl) {
  console.error("usage: node check.mjs API_URL [PRESHARED_KEY]");
  process.exit(2);
}

const credentials = (token) => (token ? { method: CredentialsMethod.ApiToken, config: { token } } : undefined);
let passed = 0;
let failed = 0;
function expect(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ": " + detail : ""}`);
  }
}

async function expectRejection(name, promise, errorType, code) {
  try {
    await promise;
    expect(name, false, "the call succeeded");
  } catch (error) {
    expect(name, error instanceof errorType && (code === undefined || error.apiErrorCode === code),
      `${error?.constructor?.name} ${error?.statusCode} ${error?.apiErrorCode}: ${error?.message}`);
  }
}

const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const ulid = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

const model = {
  schema_version: "1.1",
  type_definitions: [
    { type: "user" },
    {
      type: "group",
      relations: { member: { this: {} } },
      metadata: { relations: { member: { directly_related_user_types: [{ type: "user" }] } } },
    },
    {
      type: "document",
      relations: {
        owner: { this: {} },
        viewer: { union: { child: [{ this: {} }, { computedUserset: { relation: "owner" } }] } },
      },
      metadata: {
        relations: {
          owner: { directly_related_user_types: [{ type: "user" }] },
          viewer: {
            directly_related_user_types: [{ type: "user" }, { type: "user", wildcard: {} }, { type: "group", relation: "member" }],
          },
        },
      },
    },
  ],
};

async function main() {
  const admin = new OpenFgaClient({ apiUrl, credentials: credentials(key) });
  const store = await admin.createStore({ name: "sdk-check" });
  expect("create store answers a ULID id and the name", ulid.test(store.id) && store.name === "sdk-check", JSON.stringify(store));
  const stores = await admin.listStores();
  expect("list stores includes it", stores.stores.some((s) => s.id === store.id));

  const fga = new OpenFgaClient({ apiUrl, storeId: store.id, credentials: credentials(key) });
  expect("get store", (await fga.getStore()).id === store.id);

  const { authorization_model_id: modelId } = await fga.writeAuthorizationModel(model);
  expect("write model answers a ULID id", ulid.test(modelId), modelId);
  const second = (await fga.writeAuthorizationModel(model)).authorization_model_id;
  const latest = await fga.readLatestAuthorizationModel();
  expect("read latest model is the newest", latest.authorization_model?.id === second);
  const models = await fga.readAuthorizationModels();
  expect("models are listed newest first", models.authorization_models.map((m) => m.id).join() === [second, modelId].join());
  const byId = await fga.readAuthorizationModel({ authorizationModelId: modelId });
  expect("read model by id keeps its types", same(byId.authorization_model.type_definitions.map((t) => t.type), ["user", "group", "document"]));

  const pinned = new OpenFgaClient({ apiUrl, storeId: store.id, authorizationModelId: second, credentials: credentials(key) });
  const tuples = [
    { user: "user:anne", relation: "owner", object: "document:1" },
    { user: "user:bob", relation: "member", object: "group:eng" },
    { user: "group:eng#member", relation: "viewer", object: "document:2" },
    { user: "user:*", relation: "viewer", object: "document:3" },
    { user: "user:carl", relation: "viewer", object: "document:4" },
  ];
  await pinned.writeTuples(tuples);
  await expectRejection("a duplicate write is refused as invalid input", pinned.writeTuples([tuples[0]]), FgaApiValidationError, "write_failed_due_to_invalid_input");
  try {
    await pinned.write(
      { writes: [tuples[0]], deletes: [{ user: "user:nobody", relation: "viewer", object: "document:1" }] },
      { conflict: { onDuplicateWrites: "ignore", onMissingDeletes: "ignore" } },
    );
    expect("on_duplicate and on_missing ignore make a repeat harmless", true);
  } catch (error) {
    expect("on_duplicate and on_missing ignore make a repeat harmless", false, `${error?.apiErrorCode}: ${error?.message}`);
  }
  await pinned.deleteTuples([tuples[4]]);
  await expectRejection("deleting a missing tuple is refused", pinned.deleteTuples([tuples[4]]), FgaApiValidationError, "write_failed_due_to_invalid_input");

  const read = [];
  let continuationToken;
  do {
    const page = await pinned.read({}, { pageSize: 2, continuationToken });
    read.push(...page.tuples.map((t) => `${t.key.object}#${t.key.relation}@${t.key.user}`));
    expect("a read page holds at most page_size tuples, each with a timestamp", page.tuples.length <= 2 && page.tuples.every((t) => !Number.isNaN(Date.parse(t.timestamp))));
    continuationToken = page.continuation_token || undefined;
  } while (continuationToken);
  expect("paged read returns every stored tuple once", same(read, tuples.slice(0, 4).map((t) => `${t.object}#${t.relation}@${t.user}`)), read.join(" "));

  const allowed = async (user, relation, object, extra = {}) => (await pinned.check({ user, relation, object, ...extra }, { consistency: "HIGHER_CONSISTENCY" })).allowed;
  expect("check: owner is a viewer", await allowed("user:anne", "viewer", "document:1"));
  expect("check: group member views through the userset", await allowed("user:bob", "viewer", "document:2"));
  expect("check: anyone views a public document", await allowed("user:zed", "viewer", "document:3"));
  expect("check: a deleted tuple grants nothing", !(await allowed("user:carl", "viewer", "document:4")));
  expect("check: contextual tuples count for that call only",
    (await allowed("user:dan", "owner", "document:9", { contextualTuples: [{ user: "user:dan", relation: "owner", object: "document:9" }] }))
      && !(await allowed("user:dan", "owner", "document:9")));
  await expectRejection("check of an unknown type is a validation error", pinned.check({ user: "user:anne", relation: "viewer", object: "folder:1" }), FgaApiValidationError);

  const batch = await pinned.batchCheck({
    checks: [
      { user: "user:anne", relation: "viewer", object: "document:1", correlationId: "a" },
      { user: "user:bob", relation: "viewer", object: "document:1", correlationId: "b" },
      { user: "user:anne", relation: "viewer", object: "folder:1", correlationId: "c" },
    ],
  });
  const byCorrelation = Object.fromEntries(batch.result.map((r) => [r.correlationId, r]));
  expect("batch-check answers each check by correlation id",
    byCorrelation.a?.allowed === true && byCorrelation.b?.allowed === false && byCorrelation.c?.error !== undefined, JSON.stringify(batch.result));

  const objects = await pinned.listObjects({ user: "user:bob", relation: "viewer", type: "document" });
  expect("list-objects", same(objects.objects, ["document:2", "document:3"]), objects.objects.join(" "));
  const users = await pinned.listUsers({ object: { type: "document", id: "2" }, relation: "viewer", user_filters: [{ type: "group", relation: "member" }] });
  expect("list-users returns the userset", JSON.stringify(users.users) === JSON.stringify([{ userset: { type: "group", id: "eng", relation: "member" } }]), JSON.stringify(users.users));

  if (key) {
    const wrong = new OpenFgaClient({ apiUrl, storeId: store.id, credentials: credentials(key + "-wrong") });
    await expectRejection("a wrong preshared key is refused with 401", wrong.check({ user: "user:anne", relation: "viewer", object: "document:1" }), FgaApiAuthenticationError);
  }

  await fga.deleteStore();
  await expectRejection("a deleted store is not found", fga.getStore(), FgaApiNotFoundError, "store_id_not_found");
}

try {
  await main();
} catch (error) {
  failed++;
  console.log(`FAIL unexpected error: ${error?.constructor?.name} ${error?.statusCode ?? ""} ${error?.apiErrorCode ?? ""} ${error?.message}`);
}
console.log(`openfga-sdk: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
