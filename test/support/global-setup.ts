import type { TestProject } from 'vitest/node';
import { probeAll } from './capabilities.js';

declare module 'vitest' {
  export interface ProvidedContext {
    capabilities: { name: string; ok: boolean; detail: string }[];
  }
}

/** Probes capabilities once for the whole run and hands them to every test file. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('capabilities', await probeAll());
}
