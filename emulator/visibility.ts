import { invalidArgument } from './errors';
import { readPayload, str } from './proto';
import type { Namespace, Run } from './state';

/**
 * The list filter subset operators use: comparisons (=, !=, <, <=, >, >=, [NOT] IN, BETWEEN, STARTS_WITH,
 * IS [NOT] NULL) on WorkflowId, WorkflowType,
 * RunId, TaskQueue, ExecutionStatus, StartTime, CloseTime, ExecutionTime and registered custom attributes,
 * joined with AND / OR and parentheses. Results come in the order of the server's SQL visibility store (the dev
 * server's SQLite, and the Postgres of docker compose): running runs first, then by close time, newest first, then
 * by start time, newest first. As there, ORDER BY and LIMIT are refused; anything else unsupported is refused with
 * INVALID_ARGUMENT and a message in the server's words, never ignored.
 */
type Value = string | number | boolean;
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'cmp'; attr: string; op: string; values: Value[] };

/** A parsed visibility query: a predicate over runs and an order. */
export interface VisibilityQuery {
  matches(run: Run): boolean;
  compare(a: Run, b: Run): number;
}

const systemAttributes: Record<string, string> = {
  WorkflowId: 'INDEXED_VALUE_TYPE_KEYWORD',
  WorkflowType: 'INDEXED_VALUE_TYPE_KEYWORD',
  RunId: 'INDEXED_VALUE_TYPE_KEYWORD',
  TaskQueue: 'INDEXED_VALUE_TYPE_KEYWORD',
  ExecutionStatus: 'INDEXED_VALUE_TYPE_KEYWORD',
  StartTime: 'INDEXED_VALUE_TYPE_DATETIME',
  CloseTime: 'INDEXED_VALUE_TYPE_DATETIME',
  ExecutionTime: 'INDEXED_VALUE_TYPE_DATETIME',
};

/** Status names as they appear in queries (`Running`) and in the API (`WORKFLOW_EXECUTION_STATUS_RUNNING`). */
export function statusName(status: string): string {
  return status
    .replace('WORKFLOW_EXECUTION_STATUS_', '')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const re =
    /\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|<=|>=|!=|<>|=|<|>|\(|\)|,|[A-Za-z_][A-Za-z0-9_.]*|-?\d+(?:\.\d+)?)\s*/y;
  let pos = 0;
  while (pos < query.length) {
    re.lastIndex = pos;
    const m = re.exec(query);
    if (!m)
      throw invalidArgument(
        `invalid query: unexpected input at position ${pos}: ${query.slice(pos, pos + 20)}`,
      );
    tokens.push(m[1]!);
    pos = re.lastIndex;
  }
  return tokens;
}

/** Parses a List/CountWorkflowExecutions query for a namespace. */
export function parseVisibilityQuery(ns: Namespace, query: string): VisibilityQuery {
  const tokens = tokenize(query.trim());
  let i = 0;
  const peek = () => tokens[i];
  const upper = () => peek()?.toUpperCase();
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw invalidArgument('invalid query: malformed SQL query: unexpected end of query');
    return t;
  };
  const attributeType = (attr: string) => {
    const type = systemAttributes[attr] ?? ns.searchAttributes.get(attr);
    if (!type)
      throw invalidArgument(
        `invalid query: invalid expression: column name '${attr}' is not a valid search attribute`,
      );
    return type;
  };
  const literal = (attr: string): Value => {
    const t = next();
    let value: Value;
    if (/^['"]/.test(t)) value = t.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (/^-?\d/.test(t)) value = Number(t);
    else if (/^(true|false)$/i.test(t)) value = t.toLowerCase() === 'true';
    else throw invalidArgument(`invalid query: expected a value after ${attr}, got ${t}`);
    if (attr === 'ExecutionStatus' && typeof value === 'string') {
      const known = [
        'Running',
        'Completed',
        'Failed',
        'Canceled',
        'Terminated',
        'ContinuedAsNew',
        'TimedOut',
      ];
      if (!known.includes(value))
        throw invalidArgument(`invalid query: invalid expression: invalid ExecutionStatus value '${value}'`);
    }
    if (
      systemAttributes[attr] === 'INDEXED_VALUE_TYPE_DATETIME' ||
      ns.searchAttributes.get(attr) === 'INDEXED_VALUE_TYPE_DATETIME'
    ) {
      if (typeof value === 'string' && Number.isNaN(Date.parse(value)))
        throw invalidArgument(`invalid query: invalid expression: unable to parse datetime '${value}'`);
    }
    return value;
  };
  const comparison = (): Node => {
    if (peek() === '(') {
      next();
      const inner = orExpr();
      if (next() !== ')') throw invalidArgument('invalid query: expected )');
      return inner;
    }
    const attr = next().replace(/^`|`$/g, '');
    if (!/^[A-Za-z_]/.test(attr))
      throw invalidArgument(`invalid query: expected a search attribute, got ${attr}`);
    attributeType(attr);
    let op = next().toUpperCase();
    if (op === 'NOT' && upper() === 'IN') op = `NOT ${next().toUpperCase()}`;
    if (op === 'IS') {
      const negated = upper() === 'NOT';
      if (negated) next();
      if (next().toUpperCase() !== 'NULL') throw invalidArgument('invalid query: expected NULL after IS');
      return { kind: 'cmp', attr, op: negated ? 'IS NOT NULL' : 'IS NULL', values: [] };
    }
    if (op === 'BETWEEN') {
      const low = literal(attr);
      if (next().toUpperCase() !== 'AND') throw invalidArgument('invalid query: expected AND in BETWEEN');
      return { kind: 'cmp', attr, op, values: [low, literal(attr)] };
    }
    if (op === 'STARTS_WITH') return { kind: 'cmp', attr, op, values: [literal(attr)] };
    if (op === 'IN' || op === 'NOT IN') {
      if (next() !== '(') throw invalidArgument('invalid query: expected ( after IN');
      const values = [literal(attr)];
      while (peek() === ',') {
        next();
        values.push(literal(attr));
      }
      if (next() !== ')') throw invalidArgument('invalid query: expected ) after IN list');
      return { kind: 'cmp', attr, op, values };
    }
    if (!['=', '!=', '<>', '<', '<=', '>', '>='].includes(op))
      throw invalidArgument(`invalid query: invalid expression: invalid operator '${op.toLowerCase()}'`);
    return { kind: 'cmp', attr, op: op === '<>' ? '!=' : op, values: [literal(attr)] };
  };
  const andExpr = (): Node => {
    let left = comparison();
    while (upper() === 'AND') {
      next();
      left = { kind: 'and', left, right: comparison() };
    }
    return left;
  };
  const orExpr = (): Node => {
    let left = andExpr();
    while (upper() === 'OR') {
      next();
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  // Clauses the server's SQL visibility store refuses, wherever they appear.
  for (let at = 0; at < tokens.length; at++) {
    const word = tokens[at]!.toUpperCase();
    const following = tokens[at + 1]?.toUpperCase();
    if (word === 'ORDER' && following === 'BY')
      throw invalidArgument("invalid query: operation is not supported: 'order by' clause");
    if (word === 'LIMIT') throw invalidArgument("invalid query: operation is not supported: 'limit' clause");
    if (word === 'GROUP' && following === 'BY')
      throw invalidArgument("invalid query: operation is not supported: 'group by' clause");
  }
  let root: Node | undefined;
  if (tokens.length > 0) root = orExpr();
  if (i < tokens.length)
    throw invalidArgument(
      `invalid query: malformed SQL query: syntax error near ${tokens.slice(i).join(' ')}`,
    );

  const valuesOf = (run: Run, attr: string): Value[] => {
    switch (attr) {
      case 'WorkflowId':
        return [run.workflowId];
      case 'WorkflowType':
        return [run.workflowType];
      case 'RunId':
        return [run.runId];
      case 'TaskQueue':
        return [run.taskQueue];
      case 'ExecutionStatus':
        return [statusName(run.status)];
      case 'StartTime':
        return [run.startTime];
      case 'CloseTime':
        return run.closeTime ? [run.closeTime] : [];
      case 'ExecutionTime':
        return [run.executionTime];
    }
    const payload = run.searchAttributes[attr];
    if (!payload) return [];
    const value = readPayload(payload);
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    return list.filter((v): v is Value => ['string', 'number', 'boolean'].includes(typeof v));
  };
  const normalize = (attr: string, value: Value): Value => {
    const type = attributeType(attr);
    if (type === 'INDEXED_VALUE_TYPE_DATETIME')
      return typeof value === 'number' ? value : Date.parse(str(value));
    return value;
  };
  const test = (attr: string, op: string, actual: Value, expected: Value): boolean => {
    const a = normalize(attr, actual);
    const b = normalize(attr, expected);
    if (attributeType(attr) === 'INDEXED_VALUE_TYPE_TEXT' && (op === '=' || op === '!=')) {
      const words = str(a).toLowerCase().split(/\W+/);
      const hit = str(b)
        .toLowerCase()
        .split(/\W+/)
        .filter(Boolean)
        .every((w) => words.includes(w));
      return op === '=' ? hit : !hit;
    }
    switch (op) {
      case '=':
      case 'IN':
        return a === b;
      case '!=':
        return a !== b;
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      default:
        return a >= b;
    }
  };
  const evaluate = (node: Node, run: Run): boolean => {
    if (node.kind !== 'cmp') {
      return node.kind === 'and'
        ? evaluate(node.left, run) && evaluate(node.right, run)
        : evaluate(node.left, run) || evaluate(node.right, run);
    }
    const actual = valuesOf(run, node.attr);
    const [first, second] = node.values as [Value, Value];
    switch (node.op) {
      case 'IS NULL':
        return actual.length === 0;
      case 'IS NOT NULL':
        return actual.length > 0;
      case 'BETWEEN':
        return actual.some((a) => test(node.attr, '>=', a, first) && test(node.attr, '<=', a, second));
      case 'STARTS_WITH':
        return actual.some((a) => String(a).startsWith(String(first)));
      case 'NOT IN':
        return actual.every((a) => node.values.every((v) => test(node.attr, '!=', a, v)));
    }
    if (node.op === '!=') return actual.every((a) => test(node.attr, '!=', a, first));
    return actual.some((a) => node.values.some((v) => test(node.attr, node.op, a, v)));
  };
  return {
    matches: (run) => (root ? evaluate(root, run) : true),
    // The SQL store's `ORDER BY coalesce(close_time, <far future>) DESC, start_time DESC, run_id`.
    compare: (a, b) =>
      (b.closeTime || Number.MAX_SAFE_INTEGER) - (a.closeTime || Number.MAX_SAFE_INTEGER) ||
      b.startTime - a.startTime ||
      (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0),
  };
}
