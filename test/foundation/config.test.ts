import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/env';

describe('loadConfig', () => {
  it('applies the defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'orquesta-tickets',
      ORQUESTA_ROLE: 'all',
      ORQUESTA_TEMPORAL_MODE: 'auto',
      ORQUESTA_DEMO: true,
      ORQUESTA_RATE_LIMIT_BURST: 100,
      ORQUESTA_RATE_LIMIT_PER_SECOND: 20,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it('reads good values, trims them and treats empty strings as unset', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db.example:5432/orquesta',
      TEMPORAL_ADDRESS: ' temporal:7233 ',
      PORT: '8081',
      ORQUESTA_DEMO: 'false',
      TEMPORAL_NAMESPACE: '',
      ORQUESTA_RATE_LIMIT_BURST: '10',
      ORQUESTA_RATE_LIMIT_PER_SECOND: '0.5',
    });
    expect(config.ORQUESTA_RATE_LIMIT_BURST).toBe(10);
    expect(config.ORQUESTA_RATE_LIMIT_PER_SECOND).toBe(0.5);
    expect(config.DATABASE_URL).toBe('postgres://u:p@db.example:5432/orquesta');
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(config.PORT).toBe(8081);
    expect(config.ORQUESTA_DEMO).toBe(false);
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
  });

  it.each([
    ['PORT', 'abc', /PORT: expected an integer between 0 \(any free port\) and 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT: expected an integer between 0 \(any free port\) and 65535/],
    ['PORT', '-1', /PORT: expected an integer between 0/],
    ['ORQUESTA_PG_PORT', '0', /ORQUESTA_PG_PORT: expected an integer between 1 and 65535/],
    [
      'ORQUESTA_TEMPORAL_PORT',
      '0',
      /ORQUESTA_TEMPORAL_PORT: 0 \(any free port\) needs ORQUESTA_TEMPORAL_MODE=emulator/,
    ],
    ['PORT', '3000.5', /PORT: expected an integer/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL: expected a postgres:\/\/ URL/],
    ['TEMPORAL_ADDRESS', 'localhost', /TEMPORAL_ADDRESS: expected host:port/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: /],
    ['ORQUESTA_DEMO', 'maybe', /ORQUESTA_DEMO: expected true or false/],
    ['ORQUESTA_TEMPORAL_MODE', 'cloud', /ORQUESTA_TEMPORAL_MODE: /],
    ['ORQUESTA_RATE_LIMIT_BURST', '0', /ORQUESTA_RATE_LIMIT_BURST: expected a whole number of requests/],
    ['ORQUESTA_RATE_LIMIT_BURST', '2.5', /ORQUESTA_RATE_LIMIT_BURST: expected a whole number/],
    ['ORQUESTA_RATE_LIMIT_PER_SECOND', '-1', /ORQUESTA_RATE_LIMIT_PER_SECOND: expected requests per second/],
    [
      'ORQUESTA_RATE_LIMIT_PER_SECOND',
      'fast',
      /ORQUESTA_RATE_LIMIT_PER_SECOND: expected requests per second/,
    ],
    [
      'ORQUESTA_EMAIL_ATTACHMENT_MAX_BYTES',
      '-1',
      /ORQUESTA_EMAIL_ATTACHMENT_MAX_BYTES: expected a whole number of bytes/,
    ],
    [
      'ORQUESTA_UNATTACHED_UPLOAD_HOURS',
      '0',
      /ORQUESTA_UNATTACHED_UPLOAD_HOURS: expected a whole number of hours/,
    ],
    [
      'ORQUESTA_UNATTACHED_UPLOAD_HOURS',
      '1.5',
      /ORQUESTA_UNATTACHED_UPLOAD_HOURS: expected a whole number of hours/,
    ],
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reads the attachment email limit (0: always link) and the unattached-upload retention, with defaults', () => {
    expect(loadConfig({}).ORQUESTA_EMAIL_ATTACHMENT_MAX_BYTES).toBe(2 * 1024 * 1024);
    expect(loadConfig({}).ORQUESTA_UNATTACHED_UPLOAD_HOURS).toBe(24);
    const set = loadConfig({
      ORQUESTA_EMAIL_ATTACHMENT_MAX_BYTES: '0',
      ORQUESTA_UNATTACHED_UPLOAD_HOURS: '48',
    });
    expect(set.ORQUESTA_EMAIL_ATTACHMENT_MAX_BYTES).toBe(0);
    expect(set.ORQUESTA_UNATTACHED_UPLOAD_HOURS).toBe(48);
  });

  it('takes port 0 (any free port) for the API, and for the emulator only', () => {
    expect(loadConfig({ PORT: '0' }).PORT).toBe(0);
    const emulator = loadConfig({ ORQUESTA_TEMPORAL_MODE: 'emulator', ORQUESTA_TEMPORAL_PORT: '0' });
    expect(emulator.ORQUESTA_TEMPORAL_PORT).toBe(0);
  });

  it('refuses an unknown ORQUESTA_ variable, so a typo never falls back to a default silently', () => {
    expect(() => loadConfig({ ORQUESTA_PORT: '1' })).toThrow(/unknown variable ORQUESTA_PORT/);
  });

  it('reports every bad variable on one line', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT: .*; LOG_LEVEL: /);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
