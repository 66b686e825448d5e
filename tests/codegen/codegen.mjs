// Generates TypeScript types for queries.graphql from a running coopgraph's
// schema, then type-checks use.ts with tsc. Usage: node codegen.mjs URL
import { execFileSync } from "node:child_process";
import { generate } from "@graphql-codegen/cli";

const url = process.argv[2];
await generate(
  {
    schema: url,
    documents: "queries.graphql",
    generates: {
      "generated/graphql.ts": {
        plugins: ["typescript-operations"],
        config: {
          scalars: { Decimal: "string", CurrencyCode: "string", CountryCode: "string", PartialDate: "string" },
        },
      },
    },
    silent: true,
  },
  true,
);
console.log("ok codegen");
execFileSync("node_modules/.bin/tsc", ["-p", "."], { stdio: "inherit" });
console.log("ok tsc");
