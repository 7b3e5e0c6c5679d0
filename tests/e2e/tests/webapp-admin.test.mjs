// The admin panel through the UI: the owner signs in, finds the audit log locked on Starter
// (upsell), upgrades to Business on the "Plan & usage" tab, changes a member's role on the
// "Members" tab, and the change shows in the "Audit log" tab (also when filtered by action).
// The REST API confirms each change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutReport, PHONE, poll, shot, T, tableCollisions, useWebSuite } from '../lib/webapp.mjs';
import { inviteMember, signup } from '../lib/api.mjs';
import { step } from '../lib/util.mjs';

const suite = useWebSuite();
const shared = {};

test('owner upgrades to Business, changes a member\'s role; the audit log shows it', { timeout: 90_000 }, async () => {
  const { srv, app } = suite;
  const ctx = { srv, browser: app };
  const { ownerApi, org, member } = await step('REST: owner, organization (Starter), a viewer member', async () => {
    const ownerApi = await signup(srv, 'owner', { displayName: 'Olivia Owner' });
    const org = await ownerApi.createOrg({ name: 'Beta Capital' });
    const member = await inviteMember(srv, ownerApi, org.id, 'viewer', 'member');
    return { ownerApi, org, member };
  }, ctx);

  const owner = await app.user(srv, 'owner', { ip: ownerApi.ip });
  const page = owner.page;
  await step('owner signs in through the sign-in page', async () => {
    owner.email = ownerApi.email;
    await owner.signIn({}, { before: () => shot(page, '01-sign-in', { phone: 'resize' }) });
    // "/" goes to the organization's dashboard
    await page.waitForURL(new RegExp(`/orgs/${org.id}$`), { timeout: T.nav });
    await page.getByRole('heading', { level: 1, name: 'Beta Capital' }).waitFor();
  }, ctx);

  const subnav = page.getByRole('navigation', { name: 'Admin sections' });
  await step('Starter: the audit log tab offers an upgrade', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(/\/admin\/members$/);
    await subnav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log is not included in your plan' }).waitFor();
    await page.getByRole('link', { name: 'Compare plans' }).click();
    await page.waitForURL(/\/admin\/plan$/);
  }, ctx);

  await step('owner switches to the Business plan on "Plan & usage"', async () => {
    await page.getByRole('heading', { name: 'Usage on Starter' }).waitFor();
    const current = page.locator('.plan-card.plan-current');
    assert.equal((await current.getByRole('heading').textContent()).trim(), 'Starter', 'Starter is the current plan');
    await page.getByRole('button', { name: 'Switch to Business' }).click();
    await page.getByRole('heading', { name: 'Usage on Business' }).waitFor();
    await poll(async () => (await current.getByRole('heading').textContent()).trim() === 'Business', { what: 'Business marked current' });
    await page.getByText('Business plan', { exact: true }).waitFor(); // page header
    assert.match(await page.locator('#org-switch option:checked').textContent(), /Beta Capital · Business/, 'organization switcher shows the new plan');
    const r = await ownerApi.api('GET', `/api/v1/organizations/${org.id}`);
    assert.equal(r.body.plan, 'business', 'REST: plan is business');
    await shot(page, '08-admin-plan-usage', { phone: 'resize' });
  }, ctx);

  await step('owner changes the member\'s role from Viewer to Moderator on "Members"', async () => {
    await subnav.getByRole('link', { name: 'Members' }).click();
    await page.waitForURL(/\/admin\/members$/);
    const row = page.getByRole('row').filter({ hasText: member.email });
    const select = row.getByLabel(`Role of ${member.displayName}`);
    await select.waitFor();
    assert.equal(await select.inputValue(), 'viewer');
    // the owner's own row has no role menu
    const ownRow = page.getByRole('row').filter({ hasText: ownerApi.email });
    assert.equal(await ownRow.locator('select').count(), 0, 'the owner cannot change their own role');
    // keyboard: focus the menu and pick "Moderator"
    await select.focus();
    await select.selectOption('moderator');
    await poll(async () => {
      const m = await ownerApi.api('GET', `/api/v1/organizations/${org.id}/members`);
      return m.body.items.find((x) => x.userId === member.id)?.role === 'moderator';
    }, { what: 'REST: member role is moderator' });
    await poll(async () => !(await select.isDisabled()) && (await select.inputValue()) === 'moderator', { what: 'role menu shows Moderator after the refresh' });
    assert.equal(await page.locator('.banner-error').count(), 0, 'no error banner');
    await shot(page, '07-admin-members', { phone: 'resize' });
  }, ctx);

  await step('the audit log tab shows the role change', async () => {
    await subnav.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/admin\/audit$/);
    const row = page.getByRole('row').filter({ hasText: 'member.role_changed' });
    await row.first().waitFor();
    assert.equal(await row.count(), 1, 'one role change');
    const text = await row.textContent();
    assert.ok(text.includes(ownerApi.email), `the actor is the owner: ${text}`);
    assert.ok(text.includes(member.id), `the target is the member: ${text}`);
    assert.match(text, /viewer\s*→\s*moderator/, `the change is described: ${text}`);
    await page.getByRole('row').filter({ hasText: 'plan.changed' }).first().waitFor();
    // filter by action (typing)
    const filter = page.getByLabel('Filter by action');
    await filter.fill('member.role_changed');
    await poll(async () => {
      const actions = await page.locator('table tbody tr td.mono:nth-child(3)').allTextContents();
      return actions.length === 1 && actions[0] === 'member.role_changed';
    }, { what: 'only member.role_changed rows after filtering' });
    await filter.fill('');
    await page.getByRole('row').filter({ hasText: 'plan.changed' }).first().waitFor();
    const api = await ownerApi.api('GET', `/api/v1/organizations/${org.id}/audit-log?action=member.role_changed`);
    assert.equal(api.status, 200);
    assert.equal(api.body.items.length, 1);
    assert.deepEqual({ from: api.body.items[0].details.from, to: api.body.items[0].details.to }, { from: 'viewer', to: 'moderator' });
    await shot(page, '09-audit-log', { phone: 'resize' });
  }, ctx);

  await step('phone width (390 px), long unbroken names: the admin tabs and the dashboard have no horizontal overflow, table cells do not collide', async () => {
    // names without a break opportunity, as long as the API allows (100 characters)
    const long = (prefix) => `${prefix}${'M'.repeat(100 - prefix.length)}`;
    assert.equal((await ownerApi.api('PATCH', `/api/v1/organizations/${org.id}`, { name: long('Beta') })).status, 200);
    const ws = await ownerApi.createWorkspace(org.id, long('Desk'));
    const room = await ownerApi.api('POST', `/api/v1/workspaces/${ws.id}/rooms`, { name: long('Room'), description: long('Notes').repeat(5) });
    assert.equal(room.status, 201);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /^Admin · BetaMMM/ }).waitFor();
    const desktop = page.viewportSize();
    await page.setViewportSize(PHONE);
    try {
      for (const tab of ['Members', 'Workspaces & rooms', 'Plan & usage', 'Audit log', 'API keys']) {
        await subnav.getByRole('link', { name: tab }).click();
        await page.locator('.subnav-link[aria-current="page"]').filter({ hasText: tab }).waitFor();
        await page.locator('.loading').waitFor({ state: 'detached' });
        const l = await layoutReport(page);
        assert.ok(l.scrollWidth <= PHONE.width, `${tab}: scrollWidth ${l.scrollWidth} > ${PHONE.width}; overflowing: ${l.overflowing.join(', ')}`);
        assert.deepEqual(await tableCollisions(page), [], `${tab}: table cells collide at 390 px`);
        // the section links scroll sideways: the current one is in view
        const box = await page.locator('.subnav-link[aria-current="page"]').boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width + 0.5, `${tab}: current section link visible: ${JSON.stringify(box)}`);
      }
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rooms' }).click();
      await page.getByRole('heading', { level: 1, name: long('Beta') }).waitFor();
      await page.getByRole('heading', { name: long('Room') }).waitFor();
      const l = await layoutReport(page);
      assert.ok(l.scrollWidth <= PHONE.width, `dashboard: scrollWidth ${l.scrollWidth}; overflowing: ${l.overflowing.join(', ')}`);
    } finally {
      await page.setViewportSize(desktop);
    }
  }, ctx);

  assert.deepEqual(app.pageErrors(), [], 'no uncaught exceptions in the pages');
  Object.assign(shared, { owner, ownerApi, org });
});

// docs/api/openapi.yaml: "A page of audit entries, newest first"; the tab's Newer/Older pager
// relies on it, so the owner sees the latest changes on the first page.
test('the audit log tab lists the newest entry first', { timeout: 30_000 }, async () => {
  const { owner, ownerApi, org } = shared;
  assert.ok(owner, 'the first test ran');
  const api = await ownerApi.api('GET', `/api/v1/organizations/${org.id}/audit-log`);
  const times = api.body.items.map((e) => e.createdAt);
  // the first test's last change: the room created for the long-names layout check
  assert.equal(api.body.items[0].action, 'room.created', `REST: newest first, got ${api.body.items.map((e) => e.action).join(', ')} (${times.join(', ')})`);
  await owner.goto(`/orgs/${org.id}/admin/audit`);
  const first = owner.page.locator('table tbody tr').first().locator('td').nth(2);
  await first.waitFor();
  assert.equal(await first.textContent(), 'room.created', 'the first row is the newest entry');
});
