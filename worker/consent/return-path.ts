/**
 * Where a consent form sends the visitor back to. The schema only lets through text that starts
 * with a single "/", but the URL parser still resolves dot segments (also written `%2e`) and
 * backslashes: "/.//evil.example/x" becomes the path "//evil.example/x", which a browser reads as
 * another host. So resolve first, then judge what came out; anything else falls back.
 */
export function sameSiteTarget(candidate: string | undefined, origin: string): URL | null {
  if (!candidate) return null;
  let url: URL;
  try {
    url = new URL(candidate, origin);
  } catch {
    return null;
  }
  if (url.origin !== new URL(origin).origin || url.username || url.password) return null;
  if (url.pathname.startsWith('//') || url.pathname.startsWith('/\\')) return null;
  return url;
}
