import { createRequire } from 'node:module';
import type { MethodDefinition } from '@grpc/grpc-js';

/** The protobufjs reflection API we use on the SDK's bundled root. */
interface ReflectedType {
  fromObject(value: Msg): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(
    message: unknown,
    options: { longs: NumberConstructor; enums: StringConstructor; defaults: boolean; oneofs?: boolean },
  ): Msg;
}

interface ReflectedMethod {
  resolve(): void;
  resolvedRequestType: ReflectedType;
  resolvedResponseType: ReflectedType;
  requestStream?: boolean;
  responseStream?: boolean;
}

interface ReflectedRoot {
  lookupType(name: string): ReflectedType;
  lookupService(name: string): { methods: Record<string, ReflectedMethod> };
}

/** Temporal's API descriptor as shipped by `@temporalio/proto` (a protobufjs root, already loaded by the SDK). */
const require = createRequire(import.meta.url);
const root = require('@temporalio/proto/protos/json-module.js') as ReflectedRoot;

const decodeOptions = { longs: Number, enums: String, defaults: false, oneofs: true };

function serializer(type: ReflectedType): (value: Msg) => Buffer {
  return (value) => Buffer.from(type.encode(type.fromObject(value)).finish());
}

function deserializer(type: ReflectedType): (bytes: Buffer) => Msg {
  return (bytes) => type.toObject(type.decode(bytes), decodeOptions);
}

/**
 * A grpc-js service definition for a service of the SDK's descriptor (faster to build than loading the whole
 * descriptor again through proto-loader). Messages are plain objects: camelCase fields, enums as names,
 * 64-bit integers as numbers, unset fields absent.
 */
export function serviceDefinition(fullName: string): Record<string, MethodDefinition<Msg, Msg>> {
  const service = root.lookupService(fullName);
  const definition: Record<string, MethodDefinition<Msg, Msg>> = {};
  for (const [name, method] of Object.entries(service.methods)) {
    method.resolve();
    definition[name] = {
      path: `/${fullName}/${name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: serializer(method.resolvedRequestType),
      requestDeserialize: deserializer(method.resolvedRequestType),
      responseSerialize: serializer(method.resolvedResponseType),
      responseDeserialize: deserializer(method.resolvedResponseType),
      originalName: name.charAt(0).toLowerCase() + name.slice(1),
    };
  }
  return definition;
}

/** A decoded protobuf message: plain object, camelCase fields, enums as names, 64-bit integers as numbers. */
export type Msg = Record<string, unknown>;

/** `temporal.api.common.v1.Payload` as decoded. */
export interface Payload {
  metadata?: Record<string, Uint8Array>;
  data?: Uint8Array;
}

/** `temporal.api.common.v1.Payloads` as decoded. */
export interface Payloads {
  payloads?: Payload[];
}

/** `google.protobuf.Duration` / `Timestamp` as decoded with `longs: Number`. */
export interface Seconds {
  seconds?: number | string;
  nanos?: number;
}

/** `google.protobuf.Any`: note the snake_case `type_url` that protobufjs keeps. */
export interface Any {
  type_url: string;
  value: Uint8Array;
}

/** `temporal.api.common.v1.WorkflowExecution`. */
export interface Execution {
  workflowId?: string;
  runId?: string;
}

/** Encodes a message of the named type into an `Any`. */
export function packAny(typeName: string, value: Msg): Any {
  const type = root.lookupType(typeName);
  return { type_url: `type.googleapis.com/${typeName}`, value: type.encode(type.fromObject(value)).finish() };
}

/** Decodes an `Any` body into a plain object of its type, or undefined for an unknown type. */
export function unpackAny(any: Any | undefined): { typeName: string; value: Msg } | undefined {
  if (!any?.type_url) return undefined;
  const typeName = any.type_url.replace(/^.*\//, '');
  const type = root.lookupType(typeName);
  const value = type.toObject(type.decode(any.value ?? new Uint8Array()), {
    longs: Number,
    enums: String,
    defaults: false,
  });
  return { typeName, value };
}

/** Encodes a message of the named type (used for `grpc-status-details-bin`). */
export function encodeMessage(typeName: string, value: Msg): Uint8Array {
  const type = root.lookupType(typeName);
  return type.encode(type.fromObject(value)).finish();
}

/** Milliseconds to a `Duration`/`Timestamp` object. */
export function msToSeconds(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** A `Duration`/`Timestamp` object to milliseconds (0 when absent). */
export function secondsToMs(value: Seconds | null | undefined): number {
  if (!value) return 0;
  return Number(value.seconds ?? 0) * 1000 + Math.floor((value.nanos ?? 0) / 1e6);
}

/** A JSON-encoded payload, as the SDK's default converter writes them. */
export function jsonPayload(value: unknown, extraMetadata: Record<string, string> = {}): Payload {
  const metadata: Record<string, Uint8Array> = { encoding: Buffer.from('json/plain') };
  for (const [key, v] of Object.entries(extraMetadata)) metadata[key] = Buffer.from(v);
  return { metadata, data: Buffer.from(JSON.stringify(value)) };
}

/** Reads a payload written by the default converter (json/plain or binary/null); throws on anything else. */
export function readPayload(payload: Payload | undefined): unknown {
  const encoding = payload?.metadata?.encoding
    ? Buffer.from(payload.metadata.encoding).toString()
    : 'binary/null';
  if (encoding === 'binary/null') return null;
  if (encoding !== 'json/plain') throw new Error(`unsupported payload encoding ${encoding}`);
  return JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString()) as unknown;
}

/** A decoded scalar field as a string ('' when absent or not a scalar). */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Error) return value.message;
  return '';
}
