/**
 * An S3-compatible attachment store (AWS S3, MinIO, Ceph, R2...): path-style requests signed with AWS
 * Signature Version 4 over Node's http(s), the body streamed from the temporary file with its length
 * (`UNSIGNED-PAYLOAD`, so nothing is read twice or held in memory). No SDK dependency.
 */
import { createHash, createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { assertStoreKey, type AttachmentStore } from './store';

/** Where and as whom to reach the bucket. */
export interface S3Options {
  /** `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`... */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Prepended to every key (e.g. `orquesta/`). */
  prefix?: string;
  /** Local directory for uploads in progress. */
  tempDir: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** The SigV4 headers of one request (host, date, payload hash and authorization). */
export function signS3Request(
  options: Pick<S3Options, 'region' | 'accessKeyId' | 'secretAccessKey'>,
  request: { method: string; url: URL; headers: Record<string, string>; now: Date },
): Record<string, string> {
  const amzDate = request.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
  const names = Object.keys(headers)
    .map((n) => n.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const canonical = [
    request.method,
    request.url.pathname,
    '',
    names.map((n) => `${n}:${lower[n]}\n`).join(''),
    names.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${day}/${options.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${options.secretAccessKey}`, day), options.region), 's3'),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${options.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/** The store on an S3-compatible bucket. */
export function s3Store(options: S3Options): AttachmentStore {
  const base = options.endpoint.replace(/\/+$/, '');
  const prefix = options.prefix ?? '';
  const urlOf = (key: string): URL => {
    assertStoreKey(key);
    return new URL(`${base}/${encodeURIComponent(options.bucket)}/${prefix}${key}`);
  };
  const send = (
    method: string,
    url: URL,
    headers: Record<string, string>,
    body?: Readable,
  ): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const signed = signS3Request(options, { method, url, headers, now: new Date() });
      const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers: signed });
      request.once('response', resolve);
      request.once('error', reject);
      if (body === undefined) request.end();
      else body.once('error', (error) => request.destroy(error)).pipe(request);
    });
  const failure = (response: http.IncomingMessage, what: string): Error => {
    response.resume();
    return new Error(`S3 ${what} answered ${response.statusCode ?? '?'}`);
  };
  return {
    description: `s3:${base}/${options.bucket}/${prefix}`,
    tempDir: options.tempDir,
    async commit(file, key, size) {
      const response = await send(
        'PUT',
        urlOf(key),
        { 'content-length': String(size), 'content-type': 'application/octet-stream' },
        createReadStream(file),
      );
      if ((response.statusCode ?? 500) >= 300) throw failure(response, 'PUT');
      response.resume();
      await rm(file, { force: true });
    },
    async open(key) {
      const response = await send('GET', urlOf(key), {});
      if (response.statusCode !== 200) throw failure(response, 'GET');
      return response;
    },
    async remove(key) {
      const response = await send('DELETE', urlOf(key), {});
      response.resume();
      if ((response.statusCode ?? 500) >= 300 && response.statusCode !== 404)
        throw failure(response, 'DELETE');
    },
  };
}
