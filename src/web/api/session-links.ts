// Addresses the audience uses: a private session (and its cover) is only served with its invite code.

/** The cover image's address, with `invite` added when the session is private; null without a cover. */
export function coverSrc(coverUrl: string | null, invite: string | null | undefined): string | null {
  if (!coverUrl) return null;
  if (!invite) return coverUrl;
  const url = new URL(coverUrl, window.location.origin);
  url.searchParams.set('invite', invite);
  return url.origin === window.location.origin ? `${url.pathname}${url.search}` : url.href;
}

/** The viewer page of a session; `absolute` gives the full link to share. */
export function viewerPath(id: string, invite: string | null | undefined, absolute = false): string {
  const path = `/live/${encodeURIComponent(id)}${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`;
  return absolute ? `${window.location.origin}${path}` : path;
}
