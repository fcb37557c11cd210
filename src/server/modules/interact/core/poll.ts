/**
 * A poll (issue 6, items 2 and 10) as a pure state machine; the clock is injected.
 *
 *   draft --open (operator)--> open --close (operator, or the clock at opensAt + duration)--> closed
 *
 * closed is final. Rules:
 * - one vote per viewer account; guests cannot vote; a second vote by the same account is
 *   refused and changes nothing (first vote wins, so a replayed request is harmless);
 * - single choice: exactly one option; multiple choice: 1..optionCount options, no duplicates;
 * - tallies change per vote, but the room hears them per tick: `drain()` hands out the
 *   delta since the last drain (null when nothing changed), so 10,000 votes in one tick are
 *   one broadcast;
 * - `toState()` / `fromState()` carry everything (votes in arrival order, the drained mark),
 *   so a restart mid-poll loses no vote and re-broadcasts no delta.
 */
import { POLL_MAX_OPTIONS, POLL_MIN_OPTIONS, type PollKind } from '../../../../contracts/interact.contract.js';

export type PollStatus = 'draft' | 'open' | 'closed';
export type PollEvent = 'open' | 'close';
export type Clock = () => number;

export const pollTransitions: Record<PollStatus, Partial<Record<PollEvent, PollStatus>>> = {
  draft: { open: 'open' },
  open: { close: 'closed' },
  closed: {},
};

export type PollErrorCode = 'INVALID_TRANSITION' | 'INVALID_DEFINITION' | 'INVALID_STATE';
/** Thrown for programming or operator mistakes; the service maps it to a 409/400. */
export class PollError extends Error {
  constructor(
    readonly code: PollErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PollError';
  }
}

/** Who votes: a signed-in viewer, or a guest (who may watch but not vote). */
export type Voter = { kind: 'account'; accountId: string } | { kind: 'guest' };

/** Outcomes a client branches on are data, not exceptions. */
export type VoteResult =
  | { ok: true; choices: number[] }
  | { ok: false; code: 'GUEST' | 'NOT_OPEN' | 'CLOSED' | 'ALREADY_VOTED' | 'INVALID_CHOICE'; reason: string };

export interface PollDefinition {
  id: string;
  question: string;
  kind: PollKind;
  options: string[];
  durationMs: number;
}

export interface PollVote {
  accountId: string;
  choices: number[];
  atMs: number;
}

export interface PollState extends PollDefinition {
  status: PollStatus;
  opensAtMs: number | null;
  closedAtMs: number | null;
  /** In arrival order. */
  votes: PollVote[];
  /** The tally the room has already been told (the last drain). */
  drained: number[];
}

export interface PollTick {
  /** Per option, votes added since the previous drain. */
  delta: number[];
  /** The tally after this tick. */
  tally: number[];
  voters: number;
}

export function validateDefinition(d: PollDefinition): void {
  if (d.options.length < POLL_MIN_OPTIONS || d.options.length > POLL_MAX_OPTIONS)
    throw new PollError('INVALID_DEFINITION', `options: expected ${POLL_MIN_OPTIONS}-${POLL_MAX_OPTIONS} options, got ${d.options.length}`);
  if (!Number.isInteger(d.durationMs) || d.durationMs <= 0) throw new PollError('INVALID_DEFINITION', 'durationMs: expected a positive whole number');
  if (d.kind !== 'single' && d.kind !== 'multiple') throw new PollError('INVALID_DEFINITION', 'kind: expected single or multiple');
}

/** Checks a choice list against the poll; null when acceptable, else the reason. */
export function choiceProblem(kind: PollKind, optionCount: number, choices: readonly number[]): string | null {
  if (choices.length === 0) return 'choose at least one option';
  if (kind === 'single' && choices.length !== 1) return 'a single-choice poll takes exactly one option';
  if (choices.length > optionCount) return `choose at most ${optionCount} options`;
  if (new Set(choices).size !== choices.length) return 'an option is chosen twice';
  if (choices.some((c) => !Number.isInteger(c) || c < 0 || c >= optionCount)) return `option indexes run from 0 to ${optionCount - 1}`;
  return null;
}

export class Poll {
  private status: PollStatus;
  private opensAtMs: number | null;
  private closedAtMs: number | null;
  private readonly votes = new Map<string, PollVote>();
  private readonly tally: number[];
  private drained: number[];

  private constructor(
    private readonly def: PollDefinition,
    private readonly clock: Clock,
    state?: PollState,
  ) {
    validateDefinition(def);
    this.tally = def.options.map(() => 0);
    this.status = state?.status ?? 'draft';
    this.opensAtMs = state?.opensAtMs ?? null;
    this.closedAtMs = state?.closedAtMs ?? null;
    this.drained = state ? [...state.drained] : def.options.map(() => 0);
    for (const v of state?.votes ?? []) {
      const problem = choiceProblem(def.kind, def.options.length, v.choices);
      if (problem) throw new PollError('INVALID_STATE', `votes: ${v.accountId}: ${problem}`);
      if (this.votes.has(v.accountId)) throw new PollError('INVALID_STATE', `votes: ${v.accountId} voted twice`);
      this.record(v);
    }
    if (this.drained.length !== this.tally.length || this.drained.some((d, i) => d < 0 || d > (this.tally[i] ?? 0)))
      throw new PollError('INVALID_STATE', 'drained: does not fit the tally');
    if (this.status !== 'draft' && this.opensAtMs === null) throw new PollError('INVALID_STATE', 'opensAtMs: missing for an opened poll');
  }

  static create(def: PollDefinition, clock: Clock): Poll {
    return new Poll({ ...def, options: [...def.options] }, clock);
  }

  static fromState(state: PollState, clock: Clock): Poll {
    const { status: _s, opensAtMs: _o, closedAtMs: _c, votes: _v, drained: _d, ...def } = state;
    return new Poll({ ...def, options: [...def.options] }, clock, state);
  }

  toState(): PollState {
    return {
      ...this.def,
      options: [...this.def.options],
      status: this.status,
      opensAtMs: this.opensAtMs,
      closedAtMs: this.closedAtMs,
      votes: [...this.votes.values()].map((v) => ({ ...v, choices: [...v.choices] })),
      drained: [...this.drained],
    };
  }

  get id(): string {
    return this.def.id;
  }

  /** When the clock closes the poll; null until it opens. */
  get closesAtMs(): number | null {
    return this.opensAtMs === null ? null : this.opensAtMs + this.def.durationMs;
  }

  /** The status after applying the clock (an open poll past its end closes now). */
  currentStatus(): PollStatus {
    this.closeIfDue();
    return this.status;
  }

  /** Applies the clock; true when this call closed the poll (the scheduler announces it). */
  closeIfDue(): boolean {
    const end = this.closesAtMs;
    if (this.status === 'open' && end !== null && this.clock() >= end) {
      this.status = 'closed';
      this.closedAtMs = end;
      return true;
    }
    return false;
  }

  open(): void {
    this.transition('open');
    this.opensAtMs = this.clock();
  }

  close(): void {
    if (this.closeIfDue()) return;
    this.transition('close');
    this.closedAtMs = this.clock();
  }

  vote(voter: Voter, choices: readonly number[]): VoteResult {
    if (voter.kind !== 'account') return { ok: false, code: 'GUEST', reason: 'sign in to vote' };
    const status = this.currentStatus();
    if (status === 'draft') return { ok: false, code: 'NOT_OPEN', reason: 'the poll has not opened yet' };
    if (status === 'closed') return { ok: false, code: 'CLOSED', reason: 'the poll is closed' };
    if (this.votes.has(voter.accountId)) return { ok: false, code: 'ALREADY_VOTED', reason: 'this account has already voted' };
    const problem = choiceProblem(this.def.kind, this.def.options.length, choices);
    if (problem) return { ok: false, code: 'INVALID_CHOICE', reason: problem };
    const sorted = [...choices].sort((a, b) => a - b);
    this.record({ accountId: voter.accountId, choices: sorted, atMs: this.clock() });
    return { ok: true, choices: sorted };
  }

  hasVoted(accountId: string): boolean {
    return this.votes.has(accountId);
  }

  choicesOf(accountId: string): number[] | null {
    const v = this.votes.get(accountId);
    return v ? [...v.choices] : null;
  }

  tallies(): number[] {
    return [...this.tally];
  }

  voterCount(): number {
    return this.votes.size;
  }

  /**
   * The change since the last drain, or null when nothing changed (no broadcast this tick).
   * `heldBack`: per option, votes recorded here that are not yet durable (a writer still has
   * them); they stay out of the drained mark until a later drain, so a vote retracted because
   * its write lost never reaches the room.
   */
  drain(heldBack: readonly number[] = []): PollTick | null {
    const target = this.tally.map((t, i) => Math.max(0, t - (heldBack[i] ?? 0)));
    const delta = target.map((t, i) => t - (this.drained[i] ?? 0));
    if (delta.every((d) => d === 0)) return null;
    this.drained = target;
    return { delta, tally: [...target], voters: this.votes.size };
  }

  /**
   * Undoes an account's vote that was accepted here but not recorded (another node's vote of
   * the same account reached the database first, or the write failed). True when there was one.
   * The drained mark never exceeds the tally afterwards.
   */
  retract(accountId: string): boolean {
    const v = this.votes.get(accountId);
    if (!v) return false;
    this.votes.delete(accountId);
    for (const c of v.choices) this.tally[c] = Math.max(0, (this.tally[c] ?? 0) - 1);
    this.drained = this.drained.map((d, i) => Math.min(d, this.tally[i] ?? 0));
    return true;
  }

  private record(v: PollVote): void {
    this.votes.set(v.accountId, { ...v, choices: [...v.choices] });
    for (const c of v.choices) this.tally[c] = (this.tally[c] ?? 0) + 1;
  }

  private transition(event: PollEvent): void {
    const to = pollTransitions[this.status][event];
    if (!to) throw new PollError('INVALID_TRANSITION', `a ${this.status} poll cannot ${event}`);
    this.status = to;
  }
}
