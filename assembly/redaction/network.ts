// The `network` action: an IP address becomes its network, e.g. 10.1.2.3 -> 10.1.2.0/24 or
// 2001:db8:85a3:8d3:1319:8a2e:370:7348 -> 2001:db8:85a3:8d3::/64, so traffic stays
// attributable to a subnet but not to a host.
import { ByteBuffer } from "../buffer";
import { isHexDigit } from "../json/reader";

const groups = memory.data(16); // eight 16-bit groups (or four octets)

/** Writes the network of the IPv4/IPv6 text [ptr, ptr+len); false if it is not an address. */
export function writeNetwork(out: ByteBuffer, ptr: usize, len: usize, prefixBits: i32): bool {
  if (parseIpv4(ptr, len)) {
    const bits = prefixBits < 0 || prefixBits > 32 ? 24 : prefixBits;
    const address = load<u32>(groups);
    const mask: u32 = bits == 0 ? 0 : 0xFFFFFFFF << (32 - bits);
    const network = address & mask;
    for (let i = 3; i >= 0; i--) {
      out.putUint((network >> (i * 8)) & 0xFF);
      if (i != 0) out.putByte(0x2E);
    }
    writeBits(out, bits);
    return true;
  }
  if (parseIpv6(ptr, len)) {
    const bits = prefixBits < 0 || prefixBits > 128 ? 64 : prefixBits;
    const kept = (bits + 15) >> 4;
    for (let i = 0; i < kept; i++) {
      let group = <u32>load<u16>(groups + (<usize>i << 1));
      const hidden = (i + 1) * 16 - bits;
      if (hidden > 0) group &= (0xFFFF << hidden) & 0xFFFF;
      if (i != 0) out.putByte(0x3A);
      putHexGroup(out, group);
    }
    if (kept < 8) {
      out.putByte(0x3A);
      out.putByte(0x3A);
    }
    writeBits(out, bits);
    return true;
  }
  return false;
}

function writeBits(out: ByteBuffer, bits: i32): void {
  out.putByte(0x2F);
  out.putUint(<u64>bits);
}

function putHexGroup(out: ByteBuffer, group: u32): void {
  let started = false;
  for (let shift = 12; shift >= 0; shift -= 4) {
    const nibble = (group >> shift) & 15;
    if (nibble == 0 && !started && shift != 0) continue;
    started = true;
    out.putByte(<u8>(nibble < 10 ? 0x30 + nibble : 0x57 + nibble));
  }
}

/** Dotted quad into `groups` as one u32 (first octet highest). */
function parseIpv4(ptr: usize, len: usize): bool {
  let value: u32 = 0;
  let octet: u32 = 0;
  let digits = 0;
  let dots = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = load<u8>(ptr + i);
    if (c >= 0x30 && c <= 0x39) {
      octet = octet * 10 + (c - 0x30);
      if (++digits > 3 || octet > 255) return false;
    } else if (c == 0x2E && digits != 0 && dots < 3) {
      value = (value << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return false;
    }
  }
  if (dots != 3 || digits == 0) return false;
  store<u32>(groups, (value << 8) | octet);
  return true;
}

/** Colon-hex (with at most one `::`) into eight groups. */
function parseIpv6(ptr: usize, len: usize): bool {
  memory.fill(groups, 0, 16);
  let count = 0;
  let gap = -1; // index where `::` stands
  let i: usize = 0;
  if (len >= 2 && load<u8>(ptr) == 0x3A && load<u8>(ptr + 1) == 0x3A) {
    gap = 0;
    i = 2;
  }
  while (i < len) {
    let group: u32 = 0;
    let digits = 0;
    while (i < len && isHexDigit(load<u8>(ptr + i))) {
      const c = load<u8>(ptr + i);
      group = (group << 4) | (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
      if (++digits > 4) return false;
      i++;
    }
    if (digits == 0 || count == 8) return false;
    store<u16>(groups + (<usize>count << 1), <u16>group);
    count++;
    if (i == len) break;
    if (load<u8>(ptr + i) != 0x3A) return false;
    i++;
    if (i < len && load<u8>(ptr + i) == 0x3A) {
      if (gap >= 0) return false;
      gap = count;
      i++;
      if (i == len) break;
    } else if (i == len) {
      return false;
    }
  }
  if (gap < 0) return count == 8;
  if (count >= 8) return false;
  // Move the groups after `::` to the end.
  const tail = count - gap;
  for (let k = tail - 1; k >= 0; k--) {
    store<u16>(groups + (<usize>(8 - tail + k) << 1), load<u16>(groups + (<usize>(gap + k) << 1)));
    store<u16>(groups + (<usize>(gap + k) << 1), 0);
  }
  return true;
}
