// A real gateway process (Hive Gateway) in front of coopgraph and a second
// subgraph that extends coopgraph's Project entity: queries through the gateway
// are planned across both, coopgraph resolving entities through `_entities`.
// Usage: node gateway.mjs COOPGRAPH_URL PROJECT_ID
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";
import { graphql, parse } from "graphql";

const [coopgraph, stageId] = process.argv.slice(2);
const fail = (m) => { console.log(`FAIL ${m}`); process.exit(1); };

const reviewsSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Project @key(fields: "id") { id: ID! rating: Int }
  type Query { topRated: [Project!]! }
`;
const schema = buildSubgraphSchema({
  typeDefs: parse(reviewsSdl),
  resolvers: {
    Query: { topRated: () => [{ id: stageId }] },
    Project: { __resolveReference: ({ id }) => ({ id }), rating: ({ id }) => (id === stageId ? 5 : 3) },
  },
});
const reviews = createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  const { query, variables, operationName } = JSON.parse(body || "{}");
  const result = await graphql({ schema, source: query, variableValues: variables, operationName });
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(result));
});
await new Promise((r) => reviews.listen(0, "127.0.0.1", r));
const reviewsUrl = `http://127.0.0.1:${reviews.address().port}/graphql`;

const sdl = (await (await fetch(coopgraph, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query: "{ _service { sdl } }" }),
})).json()).data._service.sdl;
const composed = composeServices([
  { name: "coopgraph", typeDefs: parse(sdl), url: coopgraph },
  { name: "reviews", typeDefs: parse(reviewsSdl), url: reviewsUrl },
]);
if (compositionHasErrors(composed)) fail(composed.errors.map((e) => e.message).join("\n"));
const dir = mkdtempSync(join(tmpdir(), "coopgraph-gateway-"));
const supergraph = join(dir, "supergraph.graphql");
writeFileSync(supergraph, composed.supergraphSdl);

const port = 20000 + Math.floor(Math.random() * 20000);
const gateway = spawn("node_modules/.bin/hive-gateway", ["supergraph", supergraph, "--port", String(port), "--host", "127.0.0.1"], {
  stdio: ["ignore", "pipe", "pipe"],
});
let log = "";
gateway.stdout.on("data", (d) => (log += d));
gateway.stderr.on("data", (d) => (log += d));
const url = `http://127.0.0.1:${port}/graphql`;
const ask = async (query) => {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return r.json();
};
try {
  let ready = false;
  for (let i = 0; i < 150 && !ready; i++) {
    try {
      ready = (await ask("{ __typename }")).data?.__typename === "Query";
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (!ready) fail(`the gateway did not start:\n${log}`);
  // From coopgraph to the other subgraph.
  const a = await ask(`{ project(slug: "timor-leste-stage") { title acronym rating } }`);
  if (a.data?.project?.acronym !== "STAGE" || a.data.project.rating !== 5) fail(JSON.stringify(a));
  // From the other subgraph to coopgraph, through coopgraph's _entities.
  const b = await ask(`{ topRated { rating title programme { name } } }`);
  if (b.data?.topRated?.[0]?.title !== "Employment Creation Project in Timor-Leste") fail(JSON.stringify(b));
  console.log("ok gateway");
} finally {
  gateway.kill();
  reviews.close();
}
