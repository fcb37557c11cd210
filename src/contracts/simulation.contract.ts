import { z } from 'zod';

/**
 * `onair simulate` (issue 7 item 9): the console route that makes simulated viewer accounts.
 * Every account it creates is flagged `viewers.simulated = 1`, so whatever it does in a room is
 * labelled simulated and kept out of real figures.
 */

export const MAX_SIMULATED_VIEWERS = 2000;
/** Nicknames are `sim-<label>-0001`: 4 + 12 + 1 + 4 characters fit the 24 of a nickname. */
export const SIMULATION_LABEL_MAX = 12;
export const SIMULATOR_USER_AGENT = 'OnairSimulator/1';

export const simulationLabelSchema = z
  .string({ error: 'expected text' })
  .regex(new RegExp(`^[A-Za-z0-9_]{1,${SIMULATION_LABEL_MAX}}$`), `1-${SIMULATION_LABEL_MAX} letters, digits or _`);

export const createSimulatedViewersBody = z.strictObject({
  count: z
    .number({ error: 'expected a number' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(MAX_SIMULATED_VIEWERS, `expected at most ${MAX_SIMULATED_VIEWERS}`),
  /** Names the run in the nicknames; default: made from the time. Must not have been used before. */
  label: simulationLabelSchema.optional(),
});
export type CreateSimulatedViewersBody = z.infer<typeof createSimulatedViewersBody>;

export const simulatedViewerSchema = z.object({
  id: z.string(),
  nickname: z.string(),
  /** The `onair_viewer` cookie value of a fresh sign-in session (a secret: the simulator's only). */
  token: z.string(),
  /** The session's CSRF token, sent as `x-csrf-token` on the account's writes (orders). */
  csrfToken: z.string(),
});
export type SimulatedViewer = z.infer<typeof simulatedViewerSchema>;

export const createSimulatedViewersReply = z.object({
  label: z.string(),
  /** The viewer cookie's name. */
  cookieName: z.string(),
  expiresAt: z.string(),
  viewers: z.array(simulatedViewerSchema),
});
export type CreateSimulatedViewersReply = z.infer<typeof createSimulatedViewersReply>;
