/**
 * Publish/subscribe between the processes of one Onair site. In-process by default; Redis
 * pub/sub when REDIS_URL is set, so a comment accepted on node A reaches viewers on node B.
 * Messages are strings (already serialised JSON): the bus never parses them.
 */
export type BusHandler = (message: string) => void;

export interface Bus {
  publish(topic: string, message: string): Promise<void>;
  /** Resolves once the subscription is active; returns the unsubscribe function. */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
