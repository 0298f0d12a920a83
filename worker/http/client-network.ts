/**
 * The network a request comes from: an IPv4 address as it is, an IPv6 one reduced to its /64.
 * A subscriber is given a whole /64 and can pick any address in it, so counting full IPv6
 * addresses would let one client take a fresh allowance for every request.
 */
export function clientNetwork(ip: string | undefined | null): string {
  const raw = (ip ?? '').trim().toLowerCase().split('%')[0]!;
  if (!raw.includes(':')) return raw || 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(raw);
  if (mapped) return mapped[1]!;
  const halves = raw.split('::');
  if (halves.length > 2) return raw;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? left.length !== 8 : missing < 1) return raw;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return raw;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
