#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Test frames the spanning tree tests count: broadcasts of a local
# experimental EtherType, each carrying a tag, sent or counted on one
# interface of the namespace it runs in.
#
#   stp_frames.py send IFNAME TAG N      N broadcasts, 10 ms apart
#   stp_frames.py count IFNAME TAG SECS [WANT]
#                                        how many came in within SECS, how
#                                        many distinct, the last number;
#                                        with WANT, a second after WANT
#                                        distinct ones came in at most;
#                                        "ready" on stderr once it listens
#   stp_frames.py every IFNAME TAG SECS  one a 10 ms for SECS seconds,
#                                        then how many were sent
# SIGTERM ends "count" and "every" early: they print as at their end.
import signal
import socket
import sys
import time

ETHERTYPE = 0x88B5


def frame(ifname, tag, i):
    with open("/sys/class/net/%s/address" % ifname) as f:
        src = bytes.fromhex(f.read().strip().replace(":", ""))
    return (b"\xff" * 6 + src + ETHERTYPE.to_bytes(2, "big") + tag +
            i.to_bytes(4, "big") + b"\0" * 40)


stop = False


def on_term(signum, frame):
    global stop
    stop = True


def main():
    signal.signal(signal.SIGTERM, on_term)
    mode, ifname, tag = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETHERTYPE))
    s.bind((ifname, 0))
    if mode == "send":
        for i in range(int(sys.argv[4])):
            s.send(frame(ifname, tag, i))
            time.sleep(0.01)
        return
    if mode == "every":
        end = time.monotonic() + float(sys.argv[4])
        i = 0
        while time.monotonic() < end and not stop:
            s.send(frame(ifname, tag, i))
            i += 1
            time.sleep(0.01)
        print(i)
        return
    # count: frames with the tag; with "every", the numbers seen, so that
    # the gap is known
    print("ready", file=sys.stderr, flush=True)
    end = time.monotonic() + float(sys.argv[4])
    want = int(sys.argv[5]) if len(sys.argv) > 5 else -1
    s.settimeout(0.05)
    n = 0
    seen = []
    while time.monotonic() < end:
        if stop and s.gettimeout() != 0:
            # what has come in already, then done
            s.setblocking(False)
        if want >= 0 and len(set(seen)) >= want:
            # time for duplicates to show, then done
            end = min(end, time.monotonic() + 1)
            want = -1
        try:
            d = s.recv(2048)
        except socket.timeout:
            continue
        except BlockingIOError:
            break
        if d[14:14 + len(tag)] == tag:
            n += 1
            seen.append(int.from_bytes(d[14 + len(tag):18 + len(tag)],
                                       "big"))
    print(n, len(set(seen)), max(seen) if seen else -1)


main()
