import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, signInForm, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * The session detail page in a real Chromium against the real `onair start --demo` process:
 * the owner opens the demo session from the list, uploads a cover (refused first for a file that
 * is not an image), makes the session private and reads its invite code; a guest cannot open the
 * viewer page without the code and can with it (the cover as the poster); a new code locks the
 * old link out; the owner gives the demo host the host duty, and it is still there after a reload.
 */
const en = messages('en');

/** A valid 1×1 PNG. */
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** True once the image has loaded real pixels (a broken image has naturalWidth 0). */
async function imageLoaded(img: Locator): Promise<void> {
  await img.waitFor();
  await expect
    .poll(() => img.evaluate((el) => { const i = el as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth > 0; }), { timeout: 10_000 })
    .toBe(true);
}

describe.skipIf(!need('chromium'))('session detail page in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-detail-browser-' });
  const screenshot = useScreenshots('session-details browser e2e', 'onair-detail-shots-');
  const newPage = () => app.newPage({ height: 900 });
  let origin = '';
  let password = '';

  beforeAll(() => {
    const { output } = app.onair;
    origin = app.onair.origin;
    password = app.onair.ownerPassword;
    expect(origin).toMatch(/^http:\/\/localhost:\d+$/);
    expect(output).toContain(`e-mail:   ${OWNER}`);
  });

  it('owner sets a cover, makes the session private, shares the invite and staffs the host', async () => {
    const owner = await newPage();
    await owner.goto(`${origin}/console`);
    await owner.waitForURL(/\/console\/signin$/);
    await signInForm(owner, OWNER, password);
    await owner.waitForURL(/\/console\/sessions$/);

    // The scheduled demo session (the live demo shop is the other row), opened from its title in the list.
    const row = owner.locator('[data-testid="session-row"][data-status="scheduled"]');
    const sessionId = (await row.getAttribute('data-session-id')) ?? '';
    expect(sessionId).not.toBe('');
    const title = ((await row.getByTestId('session-title-text').textContent()) ?? '').trim();
    expect(title).toContain('Spring tea launch (demo)');
    await row.getByTestId('session-title-text').click();
    await owner.waitForURL(new RegExp(`/console/sessions/${sessionId}$`));
    const detail = owner.getByTestId('session-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-status')).toBe('scheduled');
    expect((await owner.getByTestId('session-detail-title').textContent())?.trim()).toBe(title);
    // Public: no invite card; the lifecycle buttons of a scheduled session, as on the list.
    expect(await owner.getByTestId('invite-code').count()).toBe(0);
    await owner.getByTestId('session-transition-live').waitFor();
    await owner.getByTestId('session-transition-archived').waitFor();
    await screenshot(owner, 'detail');

    // Not an image: refused before anything is sent, with the translated message.
    await owner.getByTestId('cover-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    const coverError = owner.getByTestId('cover-error');
    await coverError.waitFor();
    expect((await coverError.textContent())?.trim()).toBe(msg(en, 'cover.badType', { name: 'notes.txt' }));

    // Too large: refused here too, naming the file and its size.
    await owner.getByTestId('cover-input').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(2 * 1024 * 1024 + 1) });
    await expect.poll(async () => (await coverError.textContent())?.trim()).toBe(msg(en, 'cover.tooLarge', { name: 'huge.png', size: '2.1' }));
    // Says it is a PNG but is not: the server checks the bytes, and the page says so in its own words.
    await owner.getByTestId('cover-input').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('GIF89a-not-a-png') });
    await expect.poll(async () => (await coverError.textContent())?.trim()).toBe(msg(en, 'cover.notAnImage'));
    expect(await owner.getByTestId('cover-preview').count()).toBe(0);

    // A real PNG: uploaded, then shown from the server's cover URL.
    await owner.getByTestId('cover-input').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG_1X1 });
    const preview = owner.getByTestId('cover-preview');
    await imageLoaded(preview);
    // The console shows the cover from its own address, which serves drafts and private sessions too.
    expect(await preview.getAttribute('src')).toMatch(new RegExp(`^/api/console/sessions/${sessionId}/cover\\?v=`));
    expect(await preview.getAttribute('alt')).toBe(msg(en, 'cover.alt', { title }));
    expect(await coverError.count()).toBe(0);
    await owner.getByTestId('cover-remove').waitFor();

    // Private: the invite code and the link to share appear.
    await owner.getByTestId('session-visibility').selectOption('private');
    await owner.getByTestId('session-submit').click();
    const codeEl = owner.getByTestId('invite-code');
    await codeEl.waitFor();
    const code = ((await codeEl.textContent()) ?? '').trim();
    expect(code).toMatch(/^[A-Za-z0-9]{4,32}$/);
    expect(await owner.getByTestId('invite-link').inputValue()).toBe(`${origin}/live/${sessionId}?invite=${code}`);
    await owner.getByTestId('invite-copy').waitFor();
    // The console's cover address needs no invite code; the preview still loads.
    await imageLoaded(owner.getByTestId('cover-preview'));
    expect(await owner.getByTestId('cover-preview').getAttribute('src')).not.toContain('invite=');
    await screenshot(owner, 'detail-private');

    // A guest: not found without the code, the session (with its cover as the poster) with it.
    const guest = await newPage();
    await guest.goto(`${origin}/live/${sessionId}`);
    await guest.getByTestId('live-not-found').waitFor();
    await guest.goto(`${origin}/live/${sessionId}?invite=${code}`);
    const liveTitle = guest.getByTestId('live-title');
    await liveTitle.waitFor();
    expect((await liveTitle.textContent())?.trim()).toBe(title);
    await imageLoaded(guest.getByTestId('stage-poster'));
    expect((await guest.getByTestId('video-placeholder').textContent())?.trim()).toContain(msg(en, 'viewer.video.notLive'));
    await screenshot(guest, 'guest-with-invite');

    // A new code: after the confirmation, the old link stops working.
    await owner.getByTestId('invite-rotate').click();
    await owner.getByTestId('invite-rotate-dialog').waitFor();
    await owner.getByTestId('invite-rotate-confirm').click();
    await owner.getByTestId('invite-rotate-dialog').waitFor({ state: 'detached' });
    await expect.poll(async () => ((await codeEl.textContent()) ?? '').trim()).not.toBe(code);
    const newCode = ((await codeEl.textContent()) ?? '').trim();
    await guest.goto(`${origin}/live/${sessionId}?invite=${code}`);
    await guest.getByTestId('live-not-found').waitFor();
    await guest.goto(`${origin}/live/${sessionId}?invite=${newCode}`);
    await guest.getByTestId('live-title').waitFor();

    // Staffing: the demo host gets the host duty.
    const table = owner.getByTestId('staff-table');
    await table.waitFor();
    expect(await owner.getByTestId('staff-row').count()).toBe(0);
    const memberSelect = owner.getByTestId('staff-member');
    const hostOption = memberSelect.locator('option', { hasText: 'Xiaoya' });
    const hostId = (await hostOption.getAttribute('value')) ?? '';
    const hostName = ((await hostOption.textContent()) ?? '').trim();
    expect(hostId).not.toBe('');
    await memberSelect.selectOption(hostId);
    await owner.getByTestId('staff-duty').selectOption('host');
    await owner.getByTestId('staff-add').click();
    await owner.locator(`[data-testid="staff-row"][data-member-id="${hostId}"][data-duty="host"]`).waitFor();
    await owner.getByTestId('staff-save').click();
    await owner.getByTestId('notice').filter({ hasText: msg(en, 'staff.saved') }).waitFor();
    expect(await owner.getByTestId('staff-save').isDisabled()).toBe(true);

    await owner.reload();
    await owner.getByTestId('session-detail').waitFor();
    const saved = owner.locator(`[data-testid="staff-row"][data-member-id="${hostId}"][data-duty="host"]`);
    await saved.waitFor();
    expect(await owner.getByTestId('staff-row').count()).toBe(1);
    expect((await saved.getByTestId('staff-row-member').textContent())?.trim()).toBe(hostName);
    expect((await saved.getByTestId('staff-row-duty').textContent())?.trim()).toBe(msg(en, 'roles.host'));
    // Still private with the new code, cover still there.
    expect(((await owner.getByTestId('invite-code').textContent()) ?? '').trim()).toBe(newCode);
    await imageLoaded(owner.getByTestId('cover-preview'));
    await screenshot(owner, 'detail-staffed');

    // The list shows the cover as a thumbnail, and links the viewer page with the invite.
    await owner.goto(`${origin}/console/sessions`);
    const listRow = owner.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`);
    const thumb = listRow.getByTestId('cover-thumb');
    await imageLoaded(thumb);
    expect(await thumb.getAttribute('alt')).toBe(msg(en, 'cover.alt', { title }));
    expect(await listRow.getByTestId('session-open-viewer').getAttribute('href')).toBe(`/live/${sessionId}?invite=${newCode}`);
  }, 120_000);
});
