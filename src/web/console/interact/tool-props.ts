import type { InteractOverview } from '../../api/interact-console-api';

/** What every tool tab of the interact panel gets from the panel. */
export interface ToolTabProps {
  sessionId: string;
  data: InteractOverview;
  /** Server time (ms), ticking every second on the client. */
  now: number;
  /** interact:run — prepare, fire and end tools. */
  canRun: boolean;
  /**
   * Runs one console action with the panel's busy state and error line, then reloads the
   * figures. `key` marks which button is busy. Resolves true when it worked.
   */
  act: (key: string, action: () => Promise<unknown>, done?: string) => Promise<boolean>;
  busy: string | null;
}
