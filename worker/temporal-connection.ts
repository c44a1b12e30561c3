/**
 * How to reach a Temporal server from the configuration: plain gRPC for the local dev server and the
 * emulator; TLS, mTLS client certificates or a Temporal Cloud API key for a cluster or Temporal Cloud.
 */
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config/env';

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

type TemporalSecurity = Pick<
  Config,
  'TEMPORAL_TLS' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH' | 'TEMPORAL_API_KEY'
>;

/** Options for `Connection.connect` and `NativeConnection.connect`. Throws when only half a key pair is set. */
export function temporalConnectionOptions(
  address: string,
  config: TemporalSecurity,
): TemporalConnectionOptions {
  const { TEMPORAL_TLS_CERT_PATH: certPath, TEMPORAL_TLS_KEY_PATH: keyPath } = config;
  if ((certPath === undefined) !== (keyPath === undefined))
    throw new Error('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together: set both or neither');
  const tls: TLSConfig | boolean | undefined =
    certPath !== undefined && keyPath !== undefined
      ? { clientCertPair: { crt: readFileSync(certPath), key: readFileSync(keyPath) } }
      : config.TEMPORAL_TLS || config.TEMPORAL_API_KEY !== undefined
        ? true
        : undefined;
  return {
    address,
    ...(tls !== undefined && { tls }),
    ...(config.TEMPORAL_API_KEY !== undefined && { apiKey: config.TEMPORAL_API_KEY }),
  };
}
