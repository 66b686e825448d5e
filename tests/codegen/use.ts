// Code a dashboard would write against the generated types: tsc checks that every
// field it reads exists with the type it expects.
import type { IatiActivityQuery, JapanInDollarsQuery, JapanToStageQuery } from "./generated/graphql";

export function dollars(q: JapanInDollarsQuery): string[] {
  return q.fundingSummary.map((row) => `${row.label}: ${row.converted?.amount ?? "?"} ${row.converted?.currency ?? ""}`);
}

export function rates(q: JapanInDollarsQuery): (number | null | undefined)[] {
  return q.contributions.nodes.map((c) => c.amount?.converted?.rateYear);
}

export function hops(q: JapanToStageQuery): number[] {
  return q.fundingPaths.map((p) => p.hops + p.steps.filter((s) => s.channel?.acronym === "UNDP").length);
}

export function budgets(q: IatiActivityQuery): string[] {
  const a = q.iatiActivity;
  return a?.__typename === "Project" ? a.budgets.map((b) => `${b.amount.amount} ${b.amount.currency} ${b.kind}`) : [];
}
