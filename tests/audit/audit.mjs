// Runs the graphql-http audits (every MUST and SHOULD of GraphQL over HTTP)
// against the coopgraph at the URL given, prints each result, and exits 1 if
// any audit does not pass.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:8000/graphql');
  process.exit(2);
}
let failed = 0;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const line = `${result.status.padEnd(5)} ${audit.name}`;
  if (result.status === 'ok') {
    console.log(line);
  } else {
    failed += 1;
    console.log(`${line}\n      ${result.reason}`);
  }
}
console.log(`${failed === 0 ? 'all audits passed' : `${failed} audit(s) did not pass`}`);
process.exit(failed === 0 ? 0 : 1);
