import { isApiError } from './api-client';

export type FieldErrors<F extends string> = Partial<Record<F, string[]>>;

/**
 * Sorts the server's validation issues onto the form's fields. `needsSummary`
 * is false only when every issue landed next to a field, so forms can skip a
 * summary line that would just repeat them.
 */
export function issuesByField<F extends string>(
  error: unknown,
  fields: readonly F[],
): { fieldErrors: FieldErrors<F>; needsSummary: boolean } {
  if (!isApiError(error) || error.issues.length === 0) return { fieldErrors: {}, needsSummary: true };
  const fieldErrors: FieldErrors<F> = {};
  let matched = 0;
  for (const field of fields) {
    const messages = error.issuesFor(field).map((issue) => issue.message);
    if (messages.length > 0) {
      fieldErrors[field] = messages;
      matched += messages.length;
    }
  }
  return { fieldErrors, needsSummary: matched < error.issues.length };
}
