// Composes coopgraph's subgraph SDL (fetched from a running coopgraph) with a
// second subgraph that adds a field to its Project entity, as a federation router
// does. Prints "composed" and the supergraph's Project type, or the errors.
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";
import { parse } from "graphql";

const url = process.argv[2];
const response = await fetch(url, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query: "{ _service { sdl } }" }),
});
const { data } = await response.json();
const reviews = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Project @key(fields: "id") { id: ID! rating: Int }
  type Query { topRated: [Project!]! }
`;
const result = composeServices([
  { name: "coopgraph", typeDefs: parse(data._service.sdl), url },
  { name: "reviews", typeDefs: parse(reviews), url: "http://reviews.invalid/graphql" },
]);
if (compositionHasErrors(result)) {
  for (const e of result.errors) console.log(e.message);
  process.exit(1);
}
const project = result.publicSdl.split("\ntype Project ")[1]?.split("\n}")[0] ?? "";
for (const field of ["title", "fundingPaths", "rating"]) {
  if (!project.includes(field) && !result.publicSdl.includes(field)) {
    console.log(`the supergraph lacks ${field}`);
    process.exit(1);
  }
}
if (!project.includes("rating")) {
  console.log("Project does not join the two subgraphs");
  process.exit(1);
}
console.log("composed");
