/**
 * A typed EventEmitter whose `safeEmit` cannot be broken by a listener (mediasoup's
 * `EnhancedEventEmitter` is the model). A listener that throws is reported to
 * `onListenerError` and the emit goes on: the object that emits has already committed its
 * state, so a bad subscriber can never leave it half changed.
 */
import { EventEmitter } from 'node:events';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap = Record<string, any[]>;

export type ListenerErrorHandler = (event: string, err: unknown) => void;

export class EnhancedEmitter<E extends EventMap> extends EventEmitter {
  constructor(private readonly onListenerError: ListenerErrorHandler = () => undefined) {
    super();
    this.setMaxListeners(Infinity);
  }

  override on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  override off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  /** Call every listener; a throwing listener is reported, never propagated. */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const listeners = this.rawListeners(event) as ((...a: unknown[]) => void)[];
    for (const listener of listeners) {
      try {
        listener.apply(this, args);
      } catch (err) {
        try {
          this.onListenerError(event, err);
        } catch {
          // The error reporter itself failed: nothing more to do without breaking the emitter.
        }
      }
    }
    return listeners.length > 0;
  }
}
