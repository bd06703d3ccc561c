// Waiting in an integration test for something the app does in the background (a queue
// drained, a message delivered): polls `predicate` every `intervalMs` until it holds, and
// fails with what it waited for after `timeoutMs`.

export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, intervalMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
