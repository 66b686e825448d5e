// The benchmark's peer: mercurius with graphql-jit (compiled after the first
// request) on fastify, serving the nested donor query over the same data files
// as coopgraph, with the same orders, so that its answers are coopgraph's.
//
//     node bench/peer/server.mjs <data dir> <port>

import { readFileSync } from "node:fs";
import { join } from "node:path";

import Fastify from "fastify";
import mercurius from "mercurius";
import { parse } from "smol-toml";

const [dir, port] = process.argv.slice(2);
const read = (file) => parse(readFileSync(join(dir, file), "utf8"));

const organisations = read("organisations.toml").organisation ?? [];
const programmes = read("programmes.toml").programme ?? [];
const projects = read("projects.toml").project ?? [];
const contributions = read("contributions.toml").contribution ?? [];

// coopgraph's sort key: lower-case ASCII words, diacritics dropped.
const fold = (s) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(" ");

const bySlug = new Map(organisations.map((o) => [o.slug, o]));
for (const o of organisations) {
  o.programmes = [];
  o.funds = false;
}
for (const p of programmes) {
  p.projects = [];
  for (const part of p.participants ?? []) {
    const o = bySlug.get(part.organisation);
    o.programmes.push(p);
    o.funds ||= part.role === "FUNDING";
  }
}
const programme = new Map(programmes.map((p) => [p.slug, p]));
for (const p of projects) {
  if (p.programme) programme.get(p.programme).projects.push(p);
  p.activities = (p.activity ?? []).map((a, i) => ({ position: i + 1, description: a.description }));
  for (const part of p.participants ?? []) {
    bySlug.get(part.organisation).funds ||= part.role === "FUNDING";
  }
}
for (const c of contributions) bySlug.get(c.from).funds = true;

const key = (o) => [fold(o.name), o.slug];
const donors = organisations
  .filter((o) => o.funds)
  .map((o) => [key(o), o])
  .sort(([a], [b]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  .map(([, o]) => o);

const schema = `
  type Query { donors(first: Int): OrganisationConnection! }
  type OrganisationConnection { nodes: [Organisation!]! }
  type Organisation { name: String! programmes(first: Int): ProgrammeConnection! }
  type ProgrammeConnection { nodes: [Programme!]! }
  type Programme { name: String! projects(first: Int): ProjectConnection! }
  type ProjectConnection { nodes: [Project!]! }
  type Project { title: String! activities(first: Int): ActivityConnection! }
  type ActivityConnection { nodes: [Activity!]! }
  type Activity { position: Int! description: String! }
`;

const page = (list, first) => ({ nodes: list.slice(0, first ?? 50) });
const resolvers = {
  Query: { donors: (_, { first }) => page(donors, first) },
  Organisation: { programmes: (o, { first }) => page(o.programmes, first) },
  Programme: { projects: (p, { first }) => page(p.projects, first) },
  Project: { activities: (p, { first }) => page(p.activities, first) },
};

const app = Fastify({ logger: false });
app.register(mercurius, { schema, resolvers, jit: 1, path: "/graphql" });
await app.listen({ port: Number(port), host: "127.0.0.1" });
