/**
 * The module groups of mutation testing (`stryker.scope.json`) and the score of each from its Stryker JSON
 * report (`reports/mutation/<group>/mutation.json`) or, without a local report, as recorded in
 * mutation-scores.json. Used by scripts/mutation.ts and mutation-changed.ts;
 * stryker.config.js reads the same JSON and names the report directory the same way.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

export interface MutationGroup {
  /** `pure`: vitest.mutation.config.ts (no Postgres); `db`: vitest.mutation-db.config.ts. */
  suites: 'pure' | 'db';
  /** Stryker `mutate` globs: `dir/**\/*.ts`, exact paths, and `!` exclusions of exact paths. */
  mutate: string[];
}

export const groups: Record<string, MutationGroup> = (
  JSON.parse(readFileSync(new URL('../stryker.scope.json', import.meta.url), 'utf8')) as {
    groups: Record<string, MutationGroup>;
  }
).groups;

/** The directory of a group's reports (same rule as stryker.config.js). */
export function reportDir(group: string): string {
  return `reports/mutation/${group.replace(/[^A-Za-z0-9.-]+/g, '_')}`;
}

function matches(file: string, glob: string): boolean {
  return glob.endsWith('/**/*.ts')
    ? file.startsWith(glob.slice(0, -'**/*.ts'.length)) && file.endsWith('.ts')
    : file === glob;
}

/** The group that mutates `file`, if any. */
export function groupOf(file: string): string | undefined {
  return Object.entries(groups).find(
    ([, { mutate }]) =>
      mutate.some((g) => !g.startsWith('!') && matches(file, g)) &&
      !mutate.some((g) => g.startsWith('!') && matches(file, g.slice(1))),
  )?.[0];
}

/** The part of a Stryker JSON report (mutation-testing-report-schema) the score needs. */
export interface MutationReport {
  files: Record<string, { mutants: { status: string }[] }>;
}

export interface GroupScore {
  mutants: number;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  /** Compile and runtime errors, and ignored mutants: not part of the score, as in Stryker. */
  invalid: number;
  /** Stryker's mutation score: detected (killed, timed out) over valid mutants, in %; null when none. */
  score: number | null;
}

export function scoreOf(report: MutationReport): GroupScore {
  const count = { Killed: 0, Survived: 0, Timeout: 0, NoCoverage: 0, other: 0 };
  let mutants = 0;
  for (const file of Object.values(report.files)) {
    for (const { status } of file.mutants) {
      mutants += 1;
      if (status in count) count[status as keyof typeof count] += 1;
      else count.other += 1;
    }
  }
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  return {
    mutants,
    killed: count.Killed,
    survived: count.Survived,
    timeout: count.Timeout,
    noCoverage: count.NoCoverage,
    invalid: count.other,
    score: valid === 0 ? null : Math.round((1000 * detected) / valid) / 10,
  };
}

/** A group's score as measured: from its report, or as recorded in mutation-scores.json. */
export interface MeasuredScore extends GroupScore {
  /** When the report was written (ISO instant): the newer of a local report and the recorded one wins. */
  measured: string;
}

/**
 * The recorded scores (`mutation-scores.json`, committed): reports are git-ignored and take hours to redo,
 * so `npm run mutation` records each group it ran there and `--summary` prints them on a fresh clone.
 */
const recordedFile = new URL('../mutation-scores.json', import.meta.url);

export function recordedScores(): Record<string, MeasuredScore> {
  return existsSync(recordedFile)
    ? (JSON.parse(readFileSync(recordedFile, 'utf8')) as Record<string, MeasuredScore>)
    : {};
}

/** The score of a group's local report, if it has one. */
function reportScore(group: string): MeasuredScore | undefined {
  const file = `${reportDir(group)}/mutation.json`;
  if (!existsSync(file)) return undefined;
  return {
    ...scoreOf(JSON.parse(readFileSync(file, 'utf8')) as MutationReport),
    measured: statSync(file).mtime.toISOString(),
  };
}

/**
 * The later of a group's local report and its recorded score. A report with the recorded figures is that
 * measurement, whatever its file's date says (a report copied or restored onto a machine is dated then): the
 * recorded date stays.
 */
export function laterScore(
  local: MeasuredScore | undefined,
  kept: MeasuredScore | undefined,
): MeasuredScore | undefined {
  if (!local || !kept) return local ?? kept;
  const { measured: _local, ...localFigures } = local;
  const { measured: _kept, ...keptFigures } = kept;
  if (JSON.stringify(localFigures) === JSON.stringify(keptFigures)) return kept;
  return local.measured > kept.measured ? local : kept;
}

/** Each group's latest score: its local report when newer than the recorded score, else the recorded one. */
export function latestScores(): Record<string, MeasuredScore | undefined> {
  const recorded = recordedScores();
  return Object.fromEntries(
    Object.keys(groups).map((group) => [group, laterScore(reportScore(group), recorded[group])]),
  );
}

/** Writes the latest score of every group that has one to mutation-scores.json (in the order of the scope). */
export function recordScores(): void {
  const latest = Object.entries(latestScores()).filter(([, s]) => s !== undefined);
  writeFileSync(recordedFile, `${JSON.stringify(Object.fromEntries(latest), null, 2)}\n`);
}

/**
 * The README table of every group: measured ones with their score and date (UTC), others blank. "Not scored":
 * compile and runtime errors, and mutants Stryker ignored (`--ignore-static`).
 */
export function scoreTable(scores: Record<string, MeasuredScore | undefined> = latestScores()): string {
  const rows = Object.keys(groups).map((group) => {
    const s = scores[group];
    if (!s) return `| \`${group}\` | not measured | | | | | | | |`;
    const score = s.score === null ? 'n/a' : `${s.score.toFixed(1)} %`;
    return `| \`${group}\` | ${s.mutants} | ${s.killed} | ${s.survived} | ${s.timeout} | ${s.noCoverage} | ${s.invalid} | ${score} | ${s.measured.slice(0, 10)} |`;
  });
  return [
    '| module | mutants | killed | survived | timeout | no coverage | not scored | score | measured |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
