// Customer accounts in the widget (decision 012), against the real API server: the details step's
// choices, signing up and booking signed in, prefilled details, my bookings, sign-out, two widgets
// refreshing at once, a copied refresh token, a family ended elsewhere, the mailed reset link, an
// unsupported browser, and keyboard and axe checks of every account form in every locale.
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { $, $$, apiFixture, fillDetails, mount, reload, requests, resetWorld, sentMails, toDetails, untilStep, type Fixture } from './helpers.ts';
import type { BookingWidget } from '../../src/widget/booking-widget.ts';
import { LOCALES } from '../../src/contract/locales.ts';
import { accountMessages } from '../../src/widget/accounts/messages.ts';

const PASSWORD = 'correct horse battery staple';
const m = accountMessages('en');
const stored = (f: Fixture) => {
  const raw = localStorage.getItem(`bw:account:${new URL(f.apiBase).origin}:${f.pk}`);
  return raw ? (JSON.parse(raw) as { access: string; refresh: string; exp: number; profile?: { name: string; email_verified: boolean } }) : undefined;
};
const panel = (el: BookingWidget) => $(el, 'section.account');
const button = (el: BookingWidget, text: string) => $$<HTMLButtonElement>(el, 'section.account button').find((b) => b.textContent.trim() === text);
const type = async (el: BookingWidget, id: string, value: string) => {
  const input = $<HTMLInputElement>(el, id)!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await el.updateComplete;
};

/** On the details step: creates an account from the form's name and email; resolves signed in. */
async function createAccount(el: BookingWidget, f: Fixture, email = 'ada@example.com', t = m) {
  await waitUntil(() => button(el, t.createAccount) ?? $(el, '#bw-account-password'), 'the account choices', { timeout: 10_000 });
  await fillDetails(el, { name: 'Ada Lovelace', email });
  button(el, t.createAccount)?.click();
  await el.updateComplete;
  await type(el, '#bw-account-password', PASSWORD);
  $<HTMLButtonElement>(el, 'section.account button[type=submit]')!.click();
  await waitUntil(() => panel(el)?.textContent?.includes(t.signedInAs('Ada Lovelace')), `signed in (${panel(el)?.textContent})`, { timeout: 10_000 });
  expect(stored(f)?.refresh).to.be.a('string');
}

describe('<booking-widget accounts="optional">', () => {
  beforeEach(resetWorld);

  it('should never load the accounts chunk without the attribute', async () => {
    const f = await apiFixture({ accounts: true });
    const el = await mount(f);
    await toDetails(el);
    expect(el.account).to.equal(undefined);
    expect(panel(el)).to.equal(null);
    expect(performance.getEntriesByType('resource').filter((e) => /\/widget\/accounts\/(index|dpop)\.ts/.test(e.name)).map((e) => e.name)).to.deep.equal([]);
  });

  it('should confirm the email from the mailed link when signed in, and take the token out of the address bar', async () => {
    const f = await apiFixture({ accounts: true });
    let el = await mount(f, { accounts: 'optional' });
    await toDetails(el);
    await createAccount(el, f, 'verify@example.com');
    expect(panel(el)!.textContent).to.include(m.notVerified);
    let link: URL | undefined;
    await waitUntil(async () => {
      const mail = (await sentMails()).find((x) => x.to.includes('verify@example.com') && /bw_verify=/.test(x.text));
      link = mail && new URL(/https?:\S+/.exec(mail.text)![0]);
      return !!link;
    }, 'the verification mail', { timeout: 10_000 });
    const back = location.href;
    history.replaceState(null, '', `${location.pathname}?bw_verify=${link!.searchParams.get('bw_verify')}`);
    try {
      el = await reload(el, f, { accounts: 'optional' });
      await waitUntil(() => panel(el)?.textContent?.includes(m.verified), 'the email is confirmed', { timeout: 10_000 });
      expect(location.search).to.not.include('bw_verify');
      expect(stored(f)!.profile!.email_verified).to.equal(true);
    } finally {
      history.replaceState(null, '', back);
    }
  });

  it('should offer sign in, create an account and book as a guest; create an account and book signed in', async () => {
    const f = await apiFixture({ accounts: true });
    const el = await mount(f, { accounts: 'optional' });
    await toDetails(el);
    await waitUntil(() => button(el, m.asGuest), 'the three choices', { timeout: 10_000 });
    expect(button(el, m.signIn)).to.exist;
    await createAccount(el, f);
    $<HTMLButtonElement>(el, 'button[type=submit]:not(section.account button)')!.click();
    await untilStep(el, 'done');
    const booked = el.flow.state.step === 'done' ? el.flow.state.booking.id : '';
    // The booking is the account's: it lists under my bookings, from any device.
    await el.account!.toggleBookings();
    expect(el.account!.bookings!.map((b) => b.id)).to.deep.equal([booked]);
    await waitUntil(async () => (await sentMails()).some((x) => x.to.includes('ada@example.com') && /Confirm your email/.test(x.subject)), 'the verification mail', { timeout: 10_000 });
    // Every account call carried the customer's token, and the sign-up a DPoP proof.
    const signUp = requests(/\/auth\/sign-up$/, 'POST')[0];
    expect(signUp.headers.get('DPoP')).to.match(/^ey/);
    const book = requests(/\/api\/v1\/bookings$/, 'POST')[0];
    expect(book.headers.get('Authorization')).to.equal(`Bearer ${stored(f)!.access}`);
  });

  it('should prefill the details when signed in, open a booking from my bookings, and forget everything on sign-out', async () => {
    const f = await apiFixture({ accounts: true });
    let el = await mount(f, { accounts: 'optional' });
    await toDetails(el);
    await createAccount(el, f);
    $<HTMLButtonElement>(el, 'button[type=submit]:not(section.account button)')!.click();
    await untilStep(el, 'done');
    el = await reload(el, f, { accounts: 'optional' });
    await toDetails(el);
    await waitUntil(() => $<HTMLInputElement>(el, '#bw-name')?.value === 'Ada Lovelace', 'prefilled name', { timeout: 10_000 });
    expect($<HTMLInputElement>(el, '#bw-email')!.value).to.equal('ada@example.com');
    button(el, m.myBookings)!.click();
    await waitUntil(() => button(el, m.open), 'my bookings listed', { timeout: 10_000 });
    button(el, m.open)!.click();
    await untilStep(el, 'manage');
    button(el, m.signOut)!.click();
    await waitUntil(() => panel(el)?.textContent?.includes(m.signedOut), 'signed out', { timeout: 10_000 });
    expect(stored(f)).to.equal(undefined);
    const key = await new Promise((resolve) => {
      const open = indexedDB.open('bw-accounts');
      open.onsuccess = () => {
        const get = open.result.transaction('keys').objectStore('keys').get(`bw:account:${new URL(f.apiBase).origin}:${f.pk}`);
        get.onsuccess = () => (resolve(get.result), open.result.close());
      };
    });
    expect(key).to.equal(undefined);
  });

  it('should keep two widgets signed in when both refresh at the same moment: one refresh between them', async () => {
    const f = await apiFixture({ accounts: true });
    const a = await mount(f, { accounts: 'optional' });
    await toDetails(a);
    await createAccount(a, f);
    const b = await mount(f, { accounts: 'optional' });
    await waitUntil(() => b.account?.stored, 'the second widget sees the account', { timeout: 10_000 });
    // Both access tokens are due now.
    const key = `bw:account:${new URL(f.apiBase).origin}:${f.pk}`;
    localStorage.setItem(key, JSON.stringify({ ...stored(f)!, exp: 0 }));
    const [x, y] = await Promise.all([a.account!.access(), b.account!.access()]);
    expect(x).to.be.a('string');
    expect(x).to.equal(y);
    expect(requests(/\/auth\/refresh$/, 'POST').length).to.equal(1);
    // Both still signed in afterwards, and the new pair refreshes again.
    localStorage.setItem(key, JSON.stringify({ ...stored(f)!, exp: 0 }));
    expect(await b.account!.access()).to.be.a('string');
    expect(stored(f)).to.not.equal(undefined);
  });

  it('should refuse a refresh token copied out of storage and used with another browser\'s key', async () => {
    const f = await apiFixture({ accounts: true });
    const el = await mount(f, { accounts: 'optional' });
    await toDetails(el);
    await createAccount(el, f);
    // The thief has the token (localStorage) but not the key (non-extractable, in this browser's IndexedDB).
    const copied = stored(f)!.refresh;
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const url = `${f.apiBase}/api/v1/auth/refresh`;
    const dpop = await new SignJWT({ htm: 'POST', htu: url, jti: crypto.randomUUID(), iat: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) }).sign(privateKey);
    const session = JSON.parse(localStorage.getItem(`bw:session:${new URL(f.apiBase).origin}:${f.pk}`)!) as { token: string };
    const res = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json', DPoP: dpop }, body: JSON.stringify({ refresh: copied }) });
    expect(res.status).to.equal(401);
    // The owner's browser is still signed in and refreshes as usual.
    localStorage.setItem(`bw:account:${new URL(f.apiBase).origin}:${f.pk}`, JSON.stringify({ ...stored(f)!, exp: 0 }));
    expect(await el.account!.access()).to.be.a('string');
  });

  it('should sign out with a clear message when the family was ended elsewhere, and still book as a guest', async () => {
    const f = await apiFixture({ accounts: true });
    const el = await mount(f, { accounts: 'optional' });
    await toDetails(el);
    await createAccount(el, f);
    const t = stored(f)!;
    // Another device used the same refresh token after the grace: the server ended the family.
    const session = JSON.parse(localStorage.getItem(`bw:session:${new URL(f.apiBase).origin}:${f.pk}`)!) as { token: string };
    await fetch(`${f.apiBase}/api/v1/auth/sign-out`, { method: 'POST', headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh: t.refresh }) });
    localStorage.setItem(`bw:account:${new URL(f.apiBase).origin}:${f.pk}`, JSON.stringify({ ...t, exp: 0 }));
    $<HTMLButtonElement>(el, 'button[type=submit]:not(section.account button)')!.click();
    await untilStep(el, 'done');
    await waitUntil(() => panel(el)?.textContent?.includes(m.revoked) || el.account!.notice?.text === m.revoked, 'the signed-out message', { timeout: 10_000 });
    expect(stored(f)).to.equal(undefined);
  });

  it('should open the new-password form from a mailed reset link, and take the token out of the address bar', async () => {
    const f = await apiFixture({ accounts: true });
    let el = await mount(f, { accounts: 'optional' });
    await toDetails(el);
    await createAccount(el, f, 'reset@example.com');
    button(el, m.signOut)!.click();
    await waitUntil(() => panel(el)?.textContent?.includes(m.signedOut), 'signed out', { timeout: 10_000 });
    button(el, m.signIn)!.click();
    await el.updateComplete;
    button(el, m.forgot)!.click();
    await el.updateComplete;
    await type(el, '#bw-account-email', 'reset@example.com');
    $<HTMLButtonElement>(el, 'section.account button[type=submit]')!.click();
    await waitUntil(() => panel(el)?.textContent?.includes(m.linkSent), `the neutral answer (${panel(el)?.textContent} ${el.account?.mode})`, { timeout: 10_000 });
    let link: URL | undefined;
    await waitUntil(async () => {
      const mail = (await sentMails()).find((x) => x.to.includes('reset@example.com') && /bw_reset=/.test(x.text));
      link = mail && new URL(/https?:\S+/.exec(mail.text)![0]);
      return !!link;
    }, 'the reset mail', { timeout: 10_000 });
    const back = location.href;
    history.replaceState(null, '', `${location.pathname}?bw_reset=${link!.searchParams.get('bw_reset')}`);
    try {
      el = await reload(el, f, { accounts: 'optional' });
      await waitUntil(() => panel(el)?.textContent?.includes(m.resetTitle), 'the new-password form', { timeout: 10_000 });
      expect(location.search).to.not.include('bw_reset');
      await type(el, '#bw-account-password', 'a brand new passphrase');
      $<HTMLButtonElement>(el, 'section.account button[type=submit]')!.click();
      await waitUntil(() => panel(el)?.textContent?.includes(m.resetDone), 'the password is changed', { timeout: 10_000 });
    } finally {
      history.replaceState(null, '', back);
    }
  });

  it('should ask for the mailed code after the password when the business requires one, and sign in with it', async () => {
    const f = await apiFixture({ accounts: true, code: true });
    const el = await mount(f, { accounts: 'optional' });
    await toDetails(el);
    await createAccount(el, f, 'code@example.com');
    button(el, m.signOut)!.click();
    await waitUntil(() => panel(el)?.textContent?.includes(m.signedOut), 'signed out', { timeout: 10_000 });
    button(el, m.signIn)!.click();
    await el.updateComplete;
    await type(el, '#bw-account-email', 'code@example.com');
    await type(el, '#bw-account-password', PASSWORD);
    $<HTMLButtonElement>(el, 'section.account button[type=submit]')!.click();
    await waitUntil(() => $(el, '#bw-account-code'), 'the code step', { timeout: 10_000 });
    expect(stored(f)).to.equal(undefined);
    let code = '';
    await waitUntil(async () => {
      const mail = (await sentMails()).find((x) => x.to.includes('code@example.com') && /\d{6}/.test(x.subject));
      code = mail ? /(\d{6})/.exec(mail.subject)![1] : '';
      return !!code;
    }, 'the code mail', { timeout: 10_000 });
    await type(el, '#bw-account-code', code);
    $<HTMLButtonElement>(el, 'section.account button[type=submit]')!.click();
    await waitUntil(() => panel(el)?.textContent?.includes(m.signedInAs('Ada Lovelace')), 'signed in with the code', { timeout: 10_000 });
    expect(stored(f)?.refresh).to.be.a('string');
  });

  it('should say accounts are unavailable where IndexedDB is missing', async () => {
    const f = await apiFixture({ accounts: true });
    const real = Object.getOwnPropertyDescriptor(window, 'indexedDB')!;
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
    try {
      const el = await mount(f, { accounts: 'optional' });
      await toDetails(el);
      await waitUntil(() => $(el, '.account')?.textContent?.includes(m.unsupported), 'the unavailable notice', { timeout: 10_000 });
      expect(button(el, m.signIn)).to.equal(undefined);
    } finally {
      Object.defineProperty(window, 'indexedDB', real);
    }
  });

  for (const locale of LOCALES) {
    it(`should work by keyboard and pass axe in every account form (${locale})`, async () => {
      const t = accountMessages(locale);
      const f = await apiFixture({ accounts: true });
      const el = await mount(f, { accounts: 'optional', locale });
      await toDetails(el);
      await waitUntil(() => button(el, t.signIn), 'the choices', { timeout: 10_000 });
      await expect(el).to.be.accessible();
      button(el, t.signIn)!.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => el.shadowRoot!.activeElement?.id === 'bw-account-email', 'focus on the email field', { timeout: 10_000 });
      await expect(el).to.be.accessible();
      await sendKeys({ type: 'nobody@example.com' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: 'not the password' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => panel(el)?.textContent?.includes(t.wrong), 'the wrong-credentials message', { timeout: 10_000 });
      await expect(el).to.be.accessible();
      button(el, t.forgot)!.click();
      await el.updateComplete;
      await expect(el).to.be.accessible();
      button(el, t.cancel)!.click();
      await el.updateComplete;
      button(el, t.createAccount)!.click();
      await el.updateComplete;
      await expect(el).to.be.accessible();
      await createAccount(el, f, 'ada@example.com', t);
      await expect(el).to.be.accessible();
    });
  }
});
