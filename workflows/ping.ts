/**
 * A workflow with no side effects that answers at once. Start-up and tests use it to prove that a worker
 * polls the task queue and runs workflow code end to end.
 */
export async function pingWorkflow(message: string): Promise<string> {
  return Promise.resolve(`pong: ${message}`);
}
