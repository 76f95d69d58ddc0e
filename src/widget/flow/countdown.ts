import type { ReactiveController } from 'lit';
import type { Flow } from '../controllers/flow.ts';
import { clock } from '../storage.ts';

/** Milliseconds the hold in hand has left, on the server's clock (its expires_at decides, not us). */
export function holdLeft(f: Flow): number {
  const s = f.state;
  return s.step === 'details' ? Date.parse(s.hold.expires_at) - (f.api?.session.serverNow() ?? clock.now()) : 0;
}

/**
 * The hold's countdown: while a hold with time left is shown, the element renders again each
 * second, and at zero it says so. Nothing ticks while the element is out of the document; when a
 * framework puts it back, the countdown goes on from the time that is left.
 */
export class Countdown implements ReactiveController {
  #timer: unknown;
  /** The hold whose expiry has been said, so it is said once. */
  #said: string | undefined;

  constructor(private readonly f: Flow) {
    f.host.addController(this);
  }

  hostUpdate() {
    const f = this.f;
    const s = f.state;
    if (this.#timer !== undefined || !f.host.isConnected || s.step !== 'details') return;
    if (holdLeft(f) > 0) {
      this.#timer = clock.setTimeout(() => {
        this.#timer = undefined;
        f.host.requestUpdate();
      }, 1000);
    } else if (this.#said !== s.hold.id) {
      // At zero, or found at zero (back in the document after the hold ran out, or a skewed clock).
      this.#said = s.hold.id;
      // One way on: the same time again if it is still free, else the day's times (transitions.ts).
      f.say(f.msg.holdExpired, true, { label: f.msg.pickAgain, run: () => void f.later?.holdAgain(f) });
    }
  }

  hostConnected() {
    this.f.host.requestUpdate();
  }

  hostDisconnected() {
    clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
