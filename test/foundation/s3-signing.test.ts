/**
 * The S3 store signs its requests itself (AWS Signature Version 4, no SDK). s3rver checks the access key
 * but not the signature, so the signing is checked here against an independent implementation (`aws4`,
 * used by many S3 clients): same request, same instant, same Authorization header.
 */
import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { signS3Request } from '../../activities/attachments/s3';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

describe('S3 request signing', () => {
  it.each([
    [
      'PUT',
      'https://s3.eu-west-1.amazonaws.com/orquesta/a1b2c3d4e5f6',
      'eu-west-1',
      { 'content-length': '12' },
    ],
    ['GET', 'http://127.0.0.1:9000/bucket/tickets/0f9e8d7c6b5a', 'us-east-1', {}],
    ['DELETE', 'https://minio.internal:9443/files/x/y/z-123', 'auto', {}],
    [
      'PUT',
      'http://127.0.0.1:4568/b/k',
      'sa-east-1',
      { 'content-length': '10485760', 'content-type': 'application/pdf' },
    ],
  ] as const)('%s %s (%s) matches aws4', (method, address, region, headers) => {
    const url = new URL(address);
    const now = new Date(Date.UTC(2026, 10, 28, 1, 2, 3));
    const ours = signS3Request({ region, ...credentials }, { method, url, headers: { ...headers }, now });
    const reference = aws4.sign(
      {
        host: url.host,
        path: url.pathname,
        method,
        service: 's3',
        region,
        headers: { ...headers, 'X-Amz-Date': '20261128T010203Z', 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
      },
      credentials,
    );
    expect(ours.authorization).toBe(reference.headers?.Authorization);
  });

  it('a different secret gives a different signature', () => {
    const request = {
      method: 'GET',
      url: new URL('http://127.0.0.1:9000/b/k'),
      headers: {},
      now: new Date(0),
    };
    const one = signS3Request({ region: 'us-east-1', ...credentials }, request);
    const other = signS3Request({ region: 'us-east-1', ...credentials, secretAccessKey: 'another' }, request);
    expect(one.authorization).not.toBe(other.authorization);
  });
});
