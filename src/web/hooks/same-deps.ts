import type { DependencyList } from 'react';

/** Same comparison React uses for effect dependencies. */
export function sameDeps(a: DependencyList, b: DependencyList): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
