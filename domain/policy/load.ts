/**
 * Parsing policy text (YAML or JSON; YAML is a superset of JSON) into a validated `Policy`.
 * Reading files is not done here: callers pass the text.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { PolicySchema, type Policy } from './schema';

/** One problem found in a policy document: where (dotted path) and why. */
export interface PolicyIssue {
  /** Path of the bad field, e.g. `plans[0].sla.firstResponse.high.hours`; `(document)` for syntax errors. */
  readonly path: string;
  /** Why it is wrong. */
  readonly message: string;
}

/** Result of parsing a policy: the policy, or every issue found. */
export type PolicyParseResult =
  | { readonly ok: true; readonly policy: Policy }
  | {
      readonly ok: false;
      readonly issues: readonly PolicyIssue[];
      /** Set when the text was refused for the resources it would take (a YAML alias bomb), not its content. */
      readonly tooComplex?: true;
    };

/**
 * Most alias expansions a policy document may cause (the `yaml` library's `maxAliasCount`). Policies have no
 * use for aliases beyond a few shared calendars, and a few nested aliases can expand to billions of nodes.
 */
export const MAX_POLICY_ALIASES = 100;

/** Thrown by `loadPolicy` when the document is invalid; `issues` lists every problem. */
export class PolicyError extends Error {
  /** Every problem found. */
  readonly issues: readonly PolicyIssue[];
  constructor(source: string, issues: readonly PolicyIssue[]) {
    super(`invalid policy ${source}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'PolicyError';
    this.issues = issues;
  }
}

/** Renders a zod issue path as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function issuesOf(error: z.ZodError): PolicyIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Validates an already-parsed value (e.g. from JSON) as a policy. */
export function validatePolicy(value: unknown): PolicyParseResult {
  const result = PolicySchema.safeParse(value);
  return result.success ? { ok: true, policy: result.data } : { ok: false, issues: issuesOf(result.error) };
}

/** Parses YAML or JSON text and validates it as a policy; never throws. */
export function parsePolicy(text: string): PolicyParseResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, issues: doc.errors.map((e) => ({ path: '(document)', message: e.message })) };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_POLICY_ALIASES });
  } catch (error) {
    // `yaml` throws a ReferenceError when the aliases would expand past maxAliasCount.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, tooComplex: true, issues: [{ path: '(document)', message }] };
  }
  return validatePolicy(value);
}

/** Parses and validates policy text, throwing a `PolicyError` naming every bad field. */
export function loadPolicy(text: string, source = '(text)'): Policy {
  const result = parsePolicy(text);
  if (!result.ok) throw new PolicyError(source, result.issues);
  return result.policy;
}
