/* SPDX-License-Identifier: ISC */
/*
 * Frame size limits shared by the switch and its plugs.
 */

#ifndef FRAME_H
#define FRAME_H

/* Shortest frame worth forwarding: an Ethernet header. */
#define FRAME_MIN	14

/* Largest frame: 9216 byte MTU + Ethernet header + one 802.1Q tag. */
#define FRAME_MAX	9234

/*
 * Largest length accepted on the 2-byte stream framing (vde_plug stdio).
 * vde_plug itself tolerates a little more than FRAME_MAX; oversized frames
 * that pass the deframer are rejected by the consumer, which keeps the
 * stream in sync instead of tearing it down.
 */
#define STREAM2_MAX	9236

/*
 * Largest length accepted on QEMU's 4-byte framing. QEMU may send frames
 * up to 64 KiB plus headers when offloads are on; accept them in the
 * deframer so the stream stays in sync and let the consumer drop them.
 */
#define STREAM4_MAX	65550

/*
 * Largest length a QEMU -netdev stream peer can announce: QEMU's own
 * receive buffer (NET_BUFSIZE, 4096 + 65536).  A longer one is not a
 * frame but a stream out of step.
 */
#define STREAM_QEMU_MAX	69632

/* 802.1Q: the VLANs a port may carry; 0 tags priority only, 4095 is reserved. */
#define VLAN_MIN	1
#define VLAN_MAX	4094

#endif /* FRAME_H */
