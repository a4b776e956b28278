# A slow link without netem (this machine's kernel has no sch_netem): every packet queued to NFQUEUE QUEUE (by an
# iptables rule in the test server's own namespace, e.g. mangle OUTPUT -o eth0) is let through DELAY_MS later, in
# order. Speaks nfnetlink_queue directly (no library). Prints "ready" once bound.
#   python3 delaylink.py DELAY_MS QUEUE
import collections
import socket
import struct
import sys
import threading
import time

delay = int(sys.argv[1]) / 1000.0
queue = int(sys.argv[2])

NETLINK_NETFILTER = 12
QUEUE_PACKET, QUEUE_VERDICT, QUEUE_CONFIG = (3 << 8) | 0, (3 << 8) | 1, (3 << 8) | 2
NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR = 1, 4, 2
NF_ACCEPT = 1


def attr(kind, data):
    length = 4 + len(data)
    return struct.pack("=HH", length, kind) + data + b"\0" * (-length % 4)


def message(kind, payload, flags=NLM_F_REQUEST):
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + payload
    return struct.pack("=IHHII", 16 + len(body), kind, flags, 0, 0) + body


def configure(payload):
    # Acknowledged: an error (no nfnetlink_queue in the kernel, the queue taken) stops here, before "ready".
    sock.send(message(QUEUE_CONFIG, payload, NLM_F_REQUEST | NLM_F_ACK))
    reply = sock.recv(1 << 16)
    (error,) = struct.unpack_from("=i", reply, 16)
    if struct.unpack_from("=H", reply, 4)[0] != NLMSG_ERROR or error != 0:
        print(f"nfnetlink_queue config failed: {error}", file=sys.stderr, flush=True)
        sys.exit(1)


sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
sock.bind((0, 0))
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
configure(attr(1, struct.pack("!BxH", 1, 0)))    # NFQA_CFG_CMD: BIND
configure(attr(2, struct.pack("!IB", 0, 1)))     # NFQA_CFG_PARAMS: copy metadata only

due = collections.deque()
ready = threading.Condition()


def release():
    while True:
        with ready:
            while not due:
                ready.wait()
            when, packet = due.popleft()
        pause = when - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        sock.send(message(QUEUE_VERDICT, attr(2, struct.pack("!II", NF_ACCEPT, packet))))  # NFQA_VERDICT_HDR


threading.Thread(target=release, daemon=True).start()
print("ready", flush=True)
while True:
    data = sock.recv(1 << 16)
    offset = 0
    while offset + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, offset)
        if length < 16:
            break
        if kind == QUEUE_PACKET:
            at = offset + 20
            while at + 4 <= offset + length:
                alen, akind = struct.unpack_from("=HH", data, at)
                if alen < 4:
                    break
                if akind & 0x7FFF == 1:                                           # NFQA_PACKET_HDR: the packet id
                    (packet,) = struct.unpack_from("!I", data, at + 4)
                    with ready:
                        due.append((time.monotonic() + delay, packet))
                        ready.notify()
                at += (alen + 3) & ~3
        elif kind == NLMSG_ERROR:
            (error,) = struct.unpack_from("=i", data, offset + 16)
            if error != 0:
                print(f"netlink error {error}", file=sys.stderr, flush=True)
                sys.exit(1)
        offset += (length + 3) & ~3
