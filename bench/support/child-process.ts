/**
 * Child processes of the bench orchestrators (the server under test, baselines, load
 * generators): wait for a readiness line, and stop them (SIGTERM, then SIGKILL).
 */
import type { ChildProcess } from 'node:child_process';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with the first match of `re` in the child's stdout; rejects on timeout or exit (with the output's tail). */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${re} within ${timeoutMs} ms; output: ${out.slice(-800)}`)), timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    // Piped stderr is kept for the error message; inherited stderr goes to the terminal.
    child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`process exited ${c} before it was ready; output: ${out.slice(-800)}`));
    });
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
}
