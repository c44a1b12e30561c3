/** The attachment store and limits one process uses, from the environment (`config/env.ts`). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/env';
import { s3Store } from './s3';
import { filesystemStore, type AttachmentStore } from './store';

/** The store and its limits. */
export interface AttachmentSettings {
  store: AttachmentStore;
  /** Largest file accepted, in bytes (10 MiB by default); larger uploads answer 413. */
  maxFileBytes: number;
  /** Most files one message (reply, note, intake) may carry (10 by default). */
  maxFilesPerMessage: number;
  /** Largest total of the files attached to one notification email (2 MiB by default); larger ones are linked. */
  maxEmailBytes: number;
  /** Hours an upload no message carries is kept before housekeeping deletes it (24 by default). */
  unattachedRetentionHours: number;
}

/** Default limits. */
export const DEFAULT_ATTACHMENT_LIMITS = {
  maxFileBytes: 10 * 1024 * 1024,
  maxFilesPerMessage: 10,
  maxEmailBytes: 2 * 1024 * 1024,
  unattachedRetentionHours: 24,
} as const;

/** The temporary directories this process made; removed when it exits (one listener for all of them). */
const temporaryRoots = new Set<string>();
function removeTemporaryRoots() {
  for (const root of temporaryRoots) rmSync(root, { recursive: true, force: true });
}

/**
 * Settings over a fresh temporary directory, removed when the process exits: for tests, and apps built
 * without configuration (their files were never meant to outlive the process).
 */
export function temporaryAttachmentSettings(
  limits: Partial<Omit<AttachmentSettings, 'store'>> = {},
): AttachmentSettings {
  const root = mkdtempSync(path.join(os.tmpdir(), 'orquesta-attachments-'));
  if (temporaryRoots.size === 0) process.once('exit', removeTemporaryRoots);
  temporaryRoots.add(root);
  return { store: filesystemStore(root), ...DEFAULT_ATTACHMENT_LIMITS, ...limits };
}

/**
 * The settings the environment asks for: S3-compatible storage when `ORQUESTA_ATTACHMENTS_S3_BUCKET` is
 * set, else files under `ORQUESTA_ATTACHMENTS_DIR` (default `<ORQUESTA_DATA_DIR>/attachments`).
 */
export function attachmentSettingsFromEnv(config: Config): AttachmentSettings {
  const dir = config.ORQUESTA_ATTACHMENTS_DIR ?? path.join(config.ORQUESTA_DATA_DIR, 'attachments');
  const limits = {
    maxFileBytes: config.ORQUESTA_ATTACHMENT_MAX_BYTES,
    maxFilesPerMessage: config.ORQUESTA_ATTACHMENT_MAX_FILES,
    maxEmailBytes: config.ORQUESTA_EMAIL_ATTACHMENT_MAX_BYTES,
    unattachedRetentionHours: config.ORQUESTA_UNATTACHED_UPLOAD_HOURS,
  };
  const bucket = config.ORQUESTA_ATTACHMENTS_S3_BUCKET;
  if (bucket === undefined) return { store: filesystemStore(dir), ...limits };
  const store = s3Store({
    endpoint:
      config.ORQUESTA_ATTACHMENTS_S3_ENDPOINT ??
      `https://s3.${config.ORQUESTA_ATTACHMENTS_S3_REGION}.amazonaws.com`,
    bucket,
    region: config.ORQUESTA_ATTACHMENTS_S3_REGION,
    accessKeyId: config.ORQUESTA_ATTACHMENTS_S3_ACCESS_KEY_ID ?? '',
    secretAccessKey: config.ORQUESTA_ATTACHMENTS_S3_SECRET_ACCESS_KEY ?? '',
    prefix: config.ORQUESTA_ATTACHMENTS_S3_PREFIX,
    tempDir: path.join(dir, 'tmp'),
  });
  return { store, ...limits };
}
