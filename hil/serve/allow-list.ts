import { BlockList, isIP } from "node:net";

/**
 * Which client addresses may connect to the served twin: IPv4/IPv6 addresses and CIDR blocks
 * (`127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`). Built on node's BlockList, which also matches an
 * IPv4 client seen as `::ffff:a.b.c.d` on a dual-stack socket against IPv4 entries.
 * Throws on an entry that is neither an address nor a block, naming it.
 * Example: `fromAllowList(["127.0.0.0/8"])("127.0.0.2")` → true, `("10.0.0.1")` → false.
 */
export function fromAllowList(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefixText, extra] = entry.trim().split("/");
    const version = isIP(address);
    const maxPrefix = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (version === 0 || extra !== undefined || !/^\d+$/.test(prefixText ?? "0") || prefix > maxPrefix) {
      throw new Error(`allow-list entry ${JSON.stringify(entry)} is not an IP address or a CIDR block (e.g. 127.0.0.1, 10.0.0.0/8, ::1)`);
    }
    list.addSubnet(address, prefix, version === 4 ? "ipv4" : "ipv6");
  }
  return (address) => {
    const version = isIP(address);
    return version !== 0 && list.check(address, version === 4 ? "ipv4" : "ipv6");
  };
}
