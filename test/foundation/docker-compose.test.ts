import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfig } from '../../config/env';

// No Docker engine runs here, so the compose file is checked by reading it: structure, references,
// pinned images, and the app containers' environment against the real configuration schema.
interface Service {
  image?: string;
  build?: string;
  depends_on?: Record<string, unknown> | string[];
  environment?: Record<string, string>;
  ports?: string[];
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  it('defines the production-like stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'postgres',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
  });

  it('pins every image and builds the app from the Dockerfile', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build !== undefined) {
        expect(service.build, name).toBe('.');
        continue;
      }
      expect(service.image, name).toMatch(/^[\w./-]+:\d[\w.-]*$/);
    }
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/CMD .*scripts\/start\.ts/);
  });

  it('only depends on services it defines', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const deps = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(Object.keys(compose.services), `${name} -> ${dep}`).toContain(dep);
    }
  });

  it('runs Temporal on Postgres persistence and the UI on port 8080', () => {
    expect(compose.services.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
    expect(compose.services.temporal?.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgres',
    });
    expect(compose.services['temporal-ui']?.ports).toContain('8080:8080');
    expect(compose.services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it.each(['api', 'worker'])('gives the %s container a configuration the app accepts', (name) => {
    const env = compose.services[name]?.environment ?? {};
    const config = loadConfig(env);
    expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(config.ORQUESTA_ROLE).toBe(name);
  });
});
