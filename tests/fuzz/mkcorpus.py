#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Write the seed corpora of tests/fuzz/corpus/HARNESS/.

The seeds are committed; this script says what they are and remakes them
(python3 tests/fuzz/mkcorpus.py).  Each is small: one case a harness
should start from, valid or nearly so.  Byte order is the host's where
the wire format is (the VDE request is sent in host order).
"""

import os
import shutil
import struct
import sys

TOP = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(TOP, "corpus")

VDE_MAGIC = 0xFEEDFACE
SUN_LEN = 110  # sizeof(struct sockaddr_un) on Linux


def sun(path, family=1):
    return struct.pack("=H", family) + path.ljust(108, b"\0")[:108]


def vde_req(typ, path, descr=b"", magic=VDE_MAGIC, version=3):
    return struct.pack("=III", magic, version, typ) + sun(path) + descr


def vde_seeds():
    p = b"/run/switchd/.01234-00000"
    return {
        "v3-any-qemu": vde_req(0, p, b"QEMU"),
        "v3-any-nodescr": vde_req(0, p),
        "v3-port3": vde_req(3 << 8, p, b"vde_plug: user=alice"),
        "v3-port0": vde_req(1, p, b"x"),
        "v3-port-max": vde_req(0xFFFFFF << 8, p),
        "v3-descr-max": vde_req(0, p, b"D" * 128),
        "v3-descr-long": vde_req(0, p, b"D" * 129),
        "v3-descr-nul": vde_req(0, p, b"ab\0cd"),
        "v3-descr-ctl": vde_req(0, p, b"a\x1b[2Jb\x7f\xff"),
        "v3-abstract": vde_req(0, b"\0abstract"),
        "v3-path-full": vde_req(0, b"/" + b"p" * 107),
        "v3-bad-type": vde_req(0x305, p),
        "v2": vde_req(0, p, version=2),
        "bad-magic": vde_req(0, p, magic=0xCAFEBABE),
        "short": vde_req(0, p)[:100],
        "reply": sun(b"/run/switchd/.01234-00003"),
        "reply-inet": sun(b"/run/switchd/x", family=2),
    }


MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")
MAC_C = bytes.fromhex("020000000003")
BCAST = b"\xff" * 6
MCAST = bytes.fromhex("01005e000001")


def eth(dst, src, etype=0x0800, payload=b"", pad=60):
    f = dst + src + struct.pack(">H", etype) + payload
    return f.ljust(pad, b"\0")


def tagged(dst, src, vid, pcp=0, etype=0x0800, payload=b"", pad=64):
    tci = pcp << 13 | vid
    f = dst + src + struct.pack(">HH", 0x8100, tci) + \
        struct.pack(">H", etype) + payload
    return f.ljust(pad, b"\0")


def rec(port, frame):
    return bytes([port]) + struct.pack(">H", len(frame)) + frame


def change(kind, port, arg):
    return bytes([0x80 | kind << 4 | port]) + struct.pack(">H", arg)


def fwd_seeds():
    arp = eth(BCAST, MAC_A, 0x0806, bytes(28))
    s = {
        "bcast-then-unicast":
            rec(1, arp) + rec(3, eth(MAC_A, MAC_B)) + rec(1, eth(MAC_B, MAC_A)),
        "tagged-vlan10":
            rec(3, tagged(BCAST, MAC_A, 10)) + rec(4, tagged(MAC_A, MAC_B, 10))
            + rec(2, eth(MAC_B, MAC_C)),
        "priotag":
            rec(1, tagged(BCAST, MAC_A, 0, pcp=5)) +
            rec(5, tagged(BCAST, MAC_B, 0, pcp=3)),
        "tagged-on-access": rec(2, tagged(BCAST, MAC_A, 10)),
        "vid4095": rec(5, tagged(BCAST, MAC_A, 4095)),
        "short-tag": rec(5, (BCAST + MAC_A + b"\x81\x00\x00"))[:3 + 15],
        "runt": rec(1, BCAST + MAC_A),
        "double-tag":
            rec(5, tagged(BCAST, MAC_A, 20, etype=0x8100,
                          payload=struct.pack(">HH", 30, 0x0800))),
        "no-native": rec(4, eth(BCAST, MAC_A)) + rec(4, tagged(BCAST, MAC_A, 30)),
        "multicast-ipv6": rec(3, eth(MCAST, MAC_C, 0x86DD)),
        "giant": rec(1, b"")[:1] + struct.pack(">H", 9235) + BCAST + MAC_A,
        "largest": rec(1, b"")[:1] + struct.pack(">H", 9234) + BCAST + MAC_A,
        "maclimit":
            b"".join(rec(6, eth(BCAST, bytes([2, 0, 0, 0, 6, i]))) for i in range(4)),
        "table-full":
            b"".join(rec(1 + i % 3, eth(BCAST, bytes([2, 0, 0, 1, 0, i])))
                     for i in range(70)),
        "move":
            rec(1, eth(BCAST, MAC_A)) + rec(3, eth(BCAST, MAC_A)) +
            rec(2, eth(MAC_A, MAC_B)),
        "aging":
            rec(1, eth(BCAST, MAC_A)) + change(1, 0, 301) + rec(3, eth(MAC_A, MAC_B)),
        "detach":
            rec(1, eth(BCAST, MAC_A)) + change(0, 1, 0) + rec(3, eth(MAC_A, MAC_B))
            + change(0, 7, 0) + rec(7, eth(BCAST, MAC_C)),
        "hub": change(2, 0, 0) + rec(1, eth(BCAST, MAC_A)) + rec(3, eth(MAC_A, MAC_B)),
        "reconf":
            rec(3, tagged(BCAST, MAC_A, 20)) + change(4, 3, 0x1000 | 0) +
            change(4, 3, 0x2000 | 30) + rec(3, tagged(BCAST, MAC_A, 30)) +
            change(4, 1, 0x0000 | 30) + rec(1, eth(BCAST, MAC_B)),
        "flush-limit":
            rec(1, eth(BCAST, MAC_A)) + rec(3, tagged(BCAST, MAC_B, 10)) +
            change(3, 0, 0x8000 | 10) + change(5, 0, 1) + rec(1, eth(BCAST, MAC_C))
            + change(6, 1, 1) + change(7, 0, 0),
        "bad-port": rec(0, arp) + rec(12, arp),
    }
    return s


def stream(hl, frames, seed):
    out = struct.pack("<I", seed)
    for f in frames:
        if isinstance(f, int):  # a bare header announcing f bytes
            out += f.to_bytes(hl, "big")
        else:
            out += len(f).to_bytes(hl, "big") + f
    return out


def stream_seeds(hl, maxlen):
    f60 = eth(BCAST, MAC_A, 0x0806, bytes(28))
    f64 = tagged(BCAST, MAC_B, 10)
    s = {
        "two-frames-whole": stream(hl, [f60, f64], 3),
        "two-frames-bytewise": stream(hl, [f60, f64], 0),
        "zero-and-runt": stream(hl, [b"", f60, b"12345", b"", f64], 1),
        "min-frame": stream(hl, [f60[:14], f60[:13]], 2),
        "partial-tail": stream(hl, [f60], 2) + len(f64).to_bytes(hl, "big")
        + f64[:20],
        "giant": stream(hl, [f60, maxlen + 1, f64], 0x7ffffff2),
        "max-header": stream(hl, [maxlen], 0x12345671),
        "many-small": stream(hl, [f60[:14 + i] for i in range(20)], 0x9e3779b9),
    }
    if hl == 2:
        s["largest"] = stream(hl, [bytes(maxlen), f60], 0x5)
        s["all-ones"] = stream(hl, [0xffff], 3)
    else:
        s["jumbo"] = stream(hl, [bytes(9234), f60], 0x6)
        s["all-ones"] = stream(hl, [0xffffffff], 3)
    return s


def lines(*ls):
    return ("\n".join(ls) + "\n").encode()


def mgmt_seeds():
    return {
        "info": b"info\n",
        "show": lines("ports", "port 1", "port 9", "port 3", "vlans", "config"),
        "trunk": lines("port 3 trunk 10,20-30 native 5", "port 2 trunk all",
                       "vlans", "config", "port 2"),
        "access": lines("port 4 access 30", "port 1 access 4094",
                        "port 1 access 4095", "vlans"),
        "macs": lines("macs", "macs port 1", "macs vlan 1", "macs port 2 vlan 1",
                      "macs flush vlan 10", "macs flush port 2 vlan 1",
                      "macs flush", "macs"),
        "disconnect": lines("disconnect 2", "ports", "disconnect 2",
                            "disconnect 3", "info"),
        "resize": lines("disconnect 1", "disconnect 2", "disconnect 7",
                        "disconnect 9", "ports 16", "queue 8", "info",
                        "port 15 trunk 1-4094", "vlans", "ports 4096", "ports 64"),
        "counters": lines("counters reset", "counters reset 1",
                          "counters reset 5", "counters"),
        "loglevel": lines("loglevel debug", "info", "loglevel info",
                          "loglevel trace"),
        "reload": lines("port 8 access 8", "reload", "config"),
        "settings": lines("hub on", "aging 0", "maclimit 10", "queue 10",
                          "ports 8", "hub off", "aging 1000000",
                          "maclimit 3", "macs"),
        "storm": lines("storm 0", "port 3 storm 5", "info", "port 3",
                       "storm 10000000", "port 3 storm default", "config"),
        "owners": lines("port 5 user root", "port 6 group root",
                        "port 7 maclimit 4", "port 8 user any",
                        "port 8 user 12345", "port 8 group 4294967294",
                        "config"),
        "errors": b"bogus\n\nport\nport x\nport 1 trunk\nmacs port\n"
                  b"info extra\n# comment\n\x01info\ninfo\r\n\tinfo\t\n",
        "many-words": lines(" ".join(["w"] * 17), "port 1 " + "a" * 900),
        "impair": lines("port 2 egress rate 10mbit delay 40ms jitter 5ms "
                        "loss 1% duplicate 0.1%", "port 2",
                        "port 1 ingress loss 100%", "port 1",
                        "port 2 egress off", "port 3 egress delay 10s",
                        "port 3 ingress rate 1kbit", "config",
                        "port 3 egress rate 0x10mbit",
                        "port 3 egress loss 101%", "port 3 egress delay"),
        "mirror": lines("port 3 mirror port 1,2", "port 3", "port 1",
                        "port 4 mirror port 3", "port 1 mirror port 1",
                        "port 5 mirror port 1-2 rx", "port 3 mirror off",
                        "port 5 mirror port 9999", "config", "ports 4",
                        "port 3 mirror port 1 tx", "ports 4"),
        "capture": lines("capture port 1,3 vlan 1 count 2", "info",
                         "capture", "capture port x", "capture vlan 4095",
                         "capture count 0", "capture port 1 port 2",
                         "capture port"),
        "long": b"info " + b"x" * 1030 + b"\ninfo\n",
    }


def conf_seeds():
    example = b"""# /etc/switchd.conf
ports 64
aging 600

# port 1, the host's tap (switchd -t tap0), on VLAN 10
port 1 access 10

# ports 2 and 3: virtual machines of VLAN 10 and 20,
# at most 4 MAC addresses each
port 2 access 10
port 2 maclimit 4
port 3 access 20
port 3 maclimit 4

# port 4 is alice's
port 4 access 20
port 4 user root

# port 10: a trunk to another switch, VLAN 1 untagged
port 10 trunk 10,20,30-39 native 1
port 10 group root
"""
    return {
        "example": example,
        "empty": b"",
        "settings": lines("ports 4096", "maclimit 100000", "aging 0",
                          "hub on", "queue 65536"),
        "small": lines("ports 2", "maclimit 1", "port 1 trunk all",
                       "queue 1"),
        "trunks": lines("port 3 trunk 1-4094 native 4094",
                        "port 4 trunk 1,3,5,7,9,4000-4094",
                        "port 5 trunk 10", "port 6 trunk 10 native 10"),
        "storm": lines("storm 0", "port 3 storm 5", "storm 10000000",
                       "port 4 storm 0", "port 3 storm default"),
        "owners": lines("port 5 user root", "port 6 group root",
                        "port 7 user 4294967294", "port 7 group any",
                        "port 8 user nosuchuser"),
        "errors": lines("ports 1", "ports 4097", "port 0 access 1",
                        "port 5000 access 1", "port 1 access 0",
                        "port 1 trunk 5-2", "port 1 trunk 1 native",
                        "hub maybe", "aging -1", "unknown 1",
                        " ".join(["w"] * 17)),
        "tabs-comments": b"\tports\t32 # comment\r\n#port 1 access 2\n"
                         b"port 2 access 3#trailing\n",
        "no-newline": b"port 3 access 7",
        "long-line": b"port 1 trunk " + b"1," * 510 + b"1\nport 2 access 2\n",
        "impair": lines("port 3 egress rate 10mbit delay 40ms jitter 5ms "
                        "loss 1% duplicate 0.1%",
                        "port 4 ingress rate 1.5gbit", "port 4 ingress off",
                        "port 5 egress delay 1.25ms loss 0.0001%",
                        "port 6 egress rate 99mbps", "port 6 egress loss 1"),
        "mirror": lines("port 7 mirror port 2,4-6 both",
                        "port 8 mirror port 3 rx", "port 8 mirror port 7",
                        "port 9 mirror port 7", "port 7 mirror off",
                        "ports 6", "port 2 mirror port 1 tx", "ports 3"),
    }


def bpdu(typ, flags=0, root=b"\x80\x00\x02\x00\x00\x00\x00\x01",
         cost=0, bridge=None, port=0x8001, age=0, version=None):
    """A BPDU's bytes, after the LLC header: Config, RST or TCN."""
    if version is None:
        version = 2 if typ == 0x02 else 0
    b = struct.pack(">HBB", 0, version, typ)
    if typ == 0x80:
        return b
    b += bytes([flags]) + root + struct.pack(">I", cost)
    b += (bridge or root) + struct.pack(">HHHHH", port, age, 20 * 256,
                                        2 * 256, 15 * 256)
    return b + (b"\0" if typ == 0x02 else b"")


def stp_rec(port, body):
    """A record of fuzz_stp: a BPDU on port, behind a correct header."""
    return bytes([0x04 | port, len(body)]) + body


def stp_seeds():
    better = b"\x10\x00\x02\x00\x00\x00\x00\x01"
    worse = b"\x90\x00\x02\x00\x00\x00\x00\x09"
    desig = 0x0c | 0x02  # designated, proposal
    agree = 0x08 | 0x40 | 0x30  # root, agreement, learning, forwarding
    return {
        "rst-root-proposes": stp_rec(0, bpdu(0x02, desig, better)) +
        b"\x85",
        "rst-two-ports": stp_rec(0, bpdu(0x02, desig, better)) +
        stp_rec(1, bpdu(0x02, desig, better, port=0x8002)) + b"\x8a",
        "rst-agreement": b"\x81" + stp_rec(1, bpdu(0x02, agree, worse)),
        "config-legacy": b"\x9f" + stp_rec(2, bpdu(0x00, 0x01, better)) +
        b"\xbf\xbf",
        "tcn": b"\x9f" + stp_rec(0, bpdu(0x80)) + b"\x81",
        "port-down-up": stp_rec(0, bpdu(0x02, desig, better)) +
        b"\xc0\x85\xc0\x85",
        "raw-short": bytes([0x00, 20]) + b"\x01\x80\xc2" + b"\0" * 17,
    }


def vxlan_hdr(vni=42, flags=0x08):
    return bytes([flags, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\0"


def vxlan_rec(sender, dgram, later=False):
    return bytes([sender | (0x80 if later else 0)]) + \
        struct.pack(">H", len(dgram)) + dgram


def vxlan_seeds():
    arp = eth(BCAST, MAC_A, 0x0806, b"\0\1\x08\0\6\4\0\1")
    reply = eth(MAC_A, MAC_B, 0x0806)
    tcp = eth(MAC_A, MAC_B, 0x0800, bytes.fromhex(
        "450000280000400040060000" "0a2a00020a2a0001") +
        struct.pack(">HH", 40000, 80))
    return {
        "arp-and-reply": vxlan_rec(2, vxlan_hdr() + arp) +
        vxlan_rec(3, vxlan_hdr() + reply),
        "moved": vxlan_rec(2, vxlan_hdr() + arp) +
        vxlan_rec(4, vxlan_hdr() + arp),
        "aged": vxlan_rec(5, vxlan_hdr() + arp) +
        vxlan_rec(6, vxlan_hdr() + tcp, later=True),
        "tagged-tcp": vxlan_rec(7, vxlan_hdr() + tagged(MAC_A, MAC_C, 10,
                                etype=0x86dd, payload=b"\x60" + b"\0" * 5 +
                                b"\x11\x40" + b"\0" * 36)),
        "other-vni": vxlan_rec(2, vxlan_hdr(43) + arp),
        "no-i-flag": vxlan_rec(2, vxlan_hdr(flags=0) + arp),
        "reserved-bits": vxlan_rec(2, b"\xff\xff\xff\xff\0\0\x2a\xff" +
                                   arp),
        "short": vxlan_rec(2, vxlan_hdr() + arp[:13]),
        "giant": vxlan_rec(2, vxlan_hdr() + b"\xff" * 9235),
    }


def write(name, seeds):
    d = os.path.join(CORPUS, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for k, v in seeds.items():
        with open(os.path.join(d, k), "wb") as f:
            f.write(v)


def main():
    if sys.byteorder != "little":
        print("mkcorpus.py: the VDE seeds assume a little-endian host",
              file=sys.stderr)
    write("vde", vde_seeds())
    write("fwd", fwd_seeds())
    write("stream2", stream_seeds(2, 9236))
    write("stream4", stream_seeds(4, 65550))
    write("streamport", stream_seeds(4, 69632))
    write("mgmt", mgmt_seeds())
    write("conf", conf_seeds())
    write("stp", stp_seeds())
    write("vxlan", vxlan_seeds())


if __name__ == "__main__":
    main()
