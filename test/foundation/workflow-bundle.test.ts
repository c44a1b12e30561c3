import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { DefaultLogger } from '@temporalio/worker';
import { bundleWorkflows } from '../../worker/worker';

describe('workflow bundle', () => {
  it('bundles every workflow under workflows/', async () => {
    const bundle = await bundleWorkflows();
    expect(bundle.code).toContain('pingWorkflow');
  });

  it('keeps zod out: every workflow start evaluates the bundle, and zod schemas are costly to build', async () => {
    const bundle = await bundleWorkflows();
    expect(bundle.code).toContain('ticketWorkflow');
    expect(bundle.code).not.toMatch(/node_modules\/zod\//);
  });

  it('fails when a workflow imports a Node built-in', async () => {
    const bad = fileURLToPath(new URL('../fixtures/workflow-importing-fs.ts', import.meta.url));
    const logged: string[] = [];
    const logger = new DefaultLogger('WARN', (entry) => logged.push(entry.message));
    await expect(bundleWorkflows(bad, logger)).rejects.toThrow(/Webpack finished with errors/);
    expect(logged.join('\n')).toMatch(/"node:fs" is not handled|disallowed modules[\s\S]*\bfs\b/);
  });
});
