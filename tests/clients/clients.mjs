// Real clients against a running coopgraph: prints "ok <check>" per passed check
// and exits 1 at the first failure. Usage: node clients.mjs URL SCHEMA_FILE
import { readFileSync } from "node:fs";
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from "graphql";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Client, cacheExchange, fetchExchange } from "@urql/core";

const [url, schemaFile] = process.argv.slice(2);
const fail = (message) => {
  console.log(`FAIL ${message}`);
  process.exit(1);
};
let requests = 0;
const counting = async (input, init) => {
  requests += 1;
  return fetch(input, init);
};

// graphql-js: introspection → buildClientSchema → the SDL of schema.graphql.
{
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true }) }),
  });
  const { data, errors } = await response.json();
  if (errors) fail(`introspection: ${JSON.stringify(errors)}`);
  const served = printSchema(lexicographicSortSchema(buildClientSchema(data)));
  const committed = printSchema(lexicographicSortSchema(buildSchema(readFileSync(schemaFile, "utf8"))));
  if (served !== committed) fail("the introspected schema differs from schema.graphql");
  console.log("ok graphql-js buildClientSchema");
}

// Apollo Client: every Node normalised by __typename and id; a repeated query is
// answered from the cache, with no request.
{
  const client = new ApolloClient({
    link: new HttpLink({ uri: url, fetch: counting }),
    cache: new InMemoryCache(),
  });
  const query = gql`
    query Stage {
      project(slug: "timor-leste-stage") { id title programme { id name } }
    }
  `;
  const first = await client.query({ query });
  if (first.data.project.title !== "Employment Creation Project in Timor-Leste") fail("apollo data");
  const cache = client.cache.extract();
  const projectKey = `Project:${first.data.project.id}`;
  if (!cache[projectKey]) fail(`apollo cache has no ${projectKey}: ${Object.keys(cache)}`);
  if (!cache[`Programme:${first.data.project.programme.id}`]) fail("apollo cache has no Programme");
  const before = requests;
  const second = await client.query({ query });
  if (requests !== before) fail("the repeated query went to the server");
  if (second.data.project.id !== first.data.project.id) fail("apollo cached data");
  console.log("ok apollo client InMemoryCache");
}

// urql: over POST and over GET.
for (const preferGetMethod of [false, true]) {
  const client = new Client({ url, exchanges: [cacheExchange, fetchExchange], preferGetMethod, fetch: counting });
  const result = await client.query(`{ countries { code name } }`, {}).toPromise();
  if (result.error) fail(`urql: ${result.error.message}`);
  if (!result.data.countries.some((c) => c.code === "TL")) fail("urql data");
  console.log(`ok urql ${preferGetMethod ? "GET" : "POST"}`);
}
