import { startServer } from './lib/server.mjs';
import { launchWebApp, WEB_DIST, poll } from './lib/webapp.mjs';
import { setupRoom, inviteMember, signup, uniqueEmail } from './lib/api.mjs';
const srv = await startServer({ webRoot: WEB_DIST, ...(process.env.BIN ? {} : {}) });
const app = await launchWebApp();
const sleep = (ms) => new Promise(r => setTimeout(r, ms));
const S = (p, n) => p.screenshot({ path: `/tmp/wx/${n}.png` });
try {
  const { host: H, org, room } = await setupRoom(srv, { plan: 'business' });
  const other = await signup(srv, 'other');
  const u = await app.user(srv, 'u'); const p = u.page;
  // wrong password
  await u.goto('/signin');
  await p.getByLabel('Email').fill(H.email); await p.getByLabel('Password').fill('wrong-password-1');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await sleep(800); console.log('wrong pw:', await p.locator('.banner').allTextContents());
  // signup with taken email
  await u.goto('/signup');
  await p.getByLabel('Your name').fill('X'); await p.getByLabel('Email').fill(H.email); await p.getByLabel('Password').fill('whatever-123');
  await p.getByRole('button', { name: 'Create account' }).click();
  await sleep(800); console.log('taken:', await p.locator('.banner, .field-error').allTextContents());
  // short password
  await p.getByLabel('Email').fill(uniqueEmail('x')); await p.getByLabel('Password').fill('short');
  await p.getByRole('button', { name: 'Create account' }).click();
  await sleep(800); console.log('short pw:', await p.locator('.banner, .field-error').allTextContents(), await p.getByLabel('Password').evaluate(e => e.validationMessage));
  // sign in as other (not a member), open room
  await u.goto('/signin');
  await p.getByLabel('Email').fill(other.email); await p.getByLabel('Password').fill(other.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await sleep(1000); console.log('other at', p.url());
  await u.goto(`/rooms/${room.id}`); await sleep(1500); console.log('room of other org:', await p.locator('h1').allTextContents()); await S(p, 'room-other');
  await u.goto(`/orgs/${org.id}/admin/audit`); await sleep(1000); console.log('admin of other org:', await p.locator('main').innerText()); 
  await u.goto('/nope/x'); await sleep(500); console.log('404:', await p.locator('h1').allTextContents());
  // invitation to another email while signed in
  const inv = await H.invite(org.id, uniqueEmail('inv'), 'viewer');
  await p.goto(inv.acceptUrl); await sleep(1000); console.log('mismatch:', await p.locator('.banner').allTextContents()); await S(p, 'inv-mismatch');
  await p.getByRole('button', { name: 'Sign out' }).click(); await sleep(1000); console.log('after sign out:', p.url(), await p.locator('h1').allTextContents()); await S(p, 'inv-after-signout');
  // invalid invitation
  await u.goto('/invite/bogus'); await sleep(1000); console.log('bogus:', await p.locator('.banner').allTextContents());
  // sign in tab of invitation with existing account of the same email: create account via API, then sign in + join
  const inv2email = uniqueEmail('inv2'); const inv2 = await H.invite(org.id, inv2email, 'moderator');
  await signup(srv, 'inv2', { email: inv2email });
  await p.goto(inv2.acceptUrl); await sleep(800);
  await p.getByRole('tab', { name: 'I have an account' }).click();
  await p.getByLabel('Password').fill('Correct-Horse-Battery-42');
  await p.getByRole('button', { name: 'Sign in and join' }).click();
  await sleep(1500); console.log('joined via sign in:', p.url(), await p.locator('.page-head').allTextContents());
  // accepted invitation link again
  await p.goto(inv2.acceptUrl); await sleep(800); console.log('accepted again:', await p.locator('.banner').allTextContents());
  // account menu sign out
  await u.goto(`/orgs/${org.id}`); await sleep(500);
  await p.locator('.account-button').click(); await p.getByRole('button', { name: 'Sign out' }).click(); await sleep(800); console.log('signed out at', p.url());
  await p.goBack(); await sleep(800); console.log('back after sign out', p.url());
} catch (e) { console.log('ERR', e.message); }
for (const u of app.users) console.log(u.console.join('\n'));
console.log(app.pageErrors());
await app.close(); await srv.stop({ expectClean: false }); srv.cleanup();
