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

  constructor(private readonly f: Flow) {
    f.host.addController(this);
  }

  hostUpdate() {
    const f = this.f;
    if (this.#timer !== undefined || !f.host.isConnected || holdLeft(f) <= 0) return;
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      if (f.state.step === 'details' && holdLeft(f) <= 0) f.say(f.msg.holdExpired, true, { label: f.msg.pickAgain, run: () => f.later?.backToTimes(f) });
      f.host.requestUpdate();
    }, 1000);
  }

  hostConnected() {
    this.f.host.requestUpdate();
  }

  hostDisconnected() {
    clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
