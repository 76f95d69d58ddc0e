/** What the test page gives a fixture: the publishable key, on `window.fixture`. */
export const config = (globalThis as unknown as { fixture: { pk: string } }).fixture;

/** What a fixture shows once booked, for the test to read. */
export function showBooked(id: string) {
  document.querySelector('#booked')!.textContent = id;
}
