/**
 * Several policies side by side: each contract names the policy id and version it is served
 * under, and tickets keep that version for life.
 */
import type { Policy } from './schema';

/** The key of a policy version, `id@version`. */
export function policyKey(id: string, version: number): string {
  return `${id}@${version}`;
}

/** An immutable set of policy versions, looked up by id and version. */
export interface PolicyRegistry {
  /** The policy `id` at `version`, or undefined. */
  get(id: string, version: number): Policy | undefined;
  /** The highest version of policy `id`, or undefined. */
  latest(id: string): Policy | undefined;
  /** Every policy version held, sorted by id then version. */
  all(): readonly Policy[];
}

/** Builds a registry; throws if two documents share the same id and version. */
export function createPolicyRegistry(policies: readonly Policy[]): PolicyRegistry {
  const byKey = new Map<string, Policy>();
  for (const p of policies) {
    const key = policyKey(p.id, p.version);
    if (byKey.has(key)) throw new Error(`duplicate policy ${key}`);
    byKey.set(key, p);
  }
  const sorted = [...byKey.values()].sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version);
  return {
    get: (id, version) => byKey.get(policyKey(id, version)),
    latest: (id) => sorted.filter((p) => p.id === id).at(-1),
    all: () => sorted,
  };
}
