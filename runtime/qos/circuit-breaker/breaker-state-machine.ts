/**
 * Why: KrakenD's breaker is sony/gobreaker, and its observable behaviour —
 * when counts reset, when it opens, how many trial calls pass while half-open,
 * which late results are ignored — comes from gobreaker's generation-based
 * state machine. This is that state machine, with an injectable clock so the
 * timing can be tested without waiting.
 */
export type BreakerState = 'closed' | 'half-open' | 'open';

/** How one admitted call ended: `excluded` neither confirms health nor signals failure (a caller cancellation). */
export type CallOutcome = 'success' | 'failure' | 'excluded';

export interface BreakerSettings {
  /** Closed-state counts are cleared every `intervalMs`; 0 keeps them until a state change. */
  intervalMs: number;
  /** Time spent open before the breaker lets a trial call through. */
  openTimeoutMs: number;
  /** Opens when consecutive failures exceed this. */
  maxErrors: number;
  /** Calls allowed through while half-open (gobreaker's MaxRequests; KrakenD leaves it at 1). */
  halfOpenCalls?: number;
  now: () => number;
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/** gobreaker's error texts, which KrakenD returns as the backend error. */
export const OPEN_STATE_MESSAGE = 'circuit breaker is open';
export const TOO_MANY_REQUESTS_MESSAGE = 'too many requests';

export class BreakerStateMachine {
  private state: BreakerState = 'closed';
  /** Bumped on every state change and every interval reset; results of calls from an older generation are dropped. */
  private generation = 0;
  /** When the current generation ends (closed: interval reset, open: half-open); 0 for never. */
  private expiry = 0;
  private requests = 0;
  private consecutiveSuccesses = 0;
  private consecutiveFailures = 0;
  private readonly halfOpenCalls: number;

  constructor(private readonly settings: BreakerSettings) {
    this.halfOpenCalls = settings.halfOpenCalls !== undefined && settings.halfOpenCalls > 0 ? settings.halfOpenCalls : 1;
    this.startGeneration(settings.now());
  }

  /** The state now (an open breaker past its timeout reports half-open). */
  current(): BreakerState {
    return this.refresh(this.settings.now());
  }

  /**
   * Asks to make a call: the generation to report its outcome against, or the
   * reason it may not go (open, or half-open with its trial calls taken).
   */
  admit(): { generation: number } | { refused: string } {
    const state = this.refresh(this.settings.now());
    if (state === 'open') return { refused: OPEN_STATE_MESSAGE };
    if (state === 'half-open' && this.requests >= this.halfOpenCalls) return { refused: TOO_MANY_REQUESTS_MESSAGE };
    this.requests++;
    return { generation: this.generation };
  }

  /** Reports how an admitted call ended. */
  record(generation: number, outcome: CallOutcome): void {
    const now = this.settings.now();
    const state = this.refresh(now);
    if (generation !== this.generation) return;
    if (outcome === 'excluded') {
      // The call never proved anything: give its slot back so a half-open breaker can try again.
      if (this.requests > 0) this.requests--;
      return;
    }
    if (outcome === 'success') {
      this.consecutiveSuccesses++;
      this.consecutiveFailures = 0;
      if (state === 'half-open' && this.consecutiveSuccesses >= this.halfOpenCalls) this.moveTo('closed', now);
      return;
    }
    this.consecutiveFailures++;
    this.consecutiveSuccesses = 0;
    if (state === 'half-open' || (state === 'closed' && this.consecutiveFailures > this.settings.maxErrors)) this.moveTo('open', now);
  }

  private refresh(now: number): BreakerState {
    if (this.expiry !== 0 && this.expiry < now) {
      if (this.state === 'closed') this.startGeneration(now);
      else if (this.state === 'open') this.moveTo('half-open', now);
    }
    return this.state;
  }

  private moveTo(to: BreakerState, now: number): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.startGeneration(now);
    this.settings.onStateChange?.(from, to);
  }

  private startGeneration(now: number): void {
    this.generation++;
    this.requests = 0;
    this.consecutiveSuccesses = 0;
    this.consecutiveFailures = 0;
    if (this.state === 'closed') this.expiry = this.settings.intervalMs > 0 ? now + this.settings.intervalMs : 0;
    else if (this.state === 'open') this.expiry = now + this.settings.openTimeoutMs;
    else this.expiry = 0;
  }
}
