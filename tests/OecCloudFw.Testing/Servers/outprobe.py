# Connects from this host (a test server) to every (destination, port) at once and prints what the kernel did:
# "open" (the handshake completed), "refused" (RST, ICMP unreachable, or a local REJECT/EPERM) or "filtered" (no answer).
#   python3 outprobe.py TIMEOUT PORTS DESTINATIONS   (comma-separated)
import errno, select, socket, sys, time

timeout = float(sys.argv[1])
ports = [int(p) for p in sys.argv[2].split(",")]
destinations = sys.argv[3].split(",")
pending = {}
results = {}
for dst in destinations:
    v6 = ":" in dst
    for port in ports:
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect((dst, port))
        except BlockingIOError:
            pass
        except OSError as e:
            # A local DROP of the first packet is EPERM straight away: the kernel refused to send it.
            results[(dst, port)] = "refused" if e.errno in (errno.ECONNREFUSED, errno.EPERM, errno.EACCES, errno.ENETUNREACH, errno.EHOSTUNREACH) else "error:%d" % e.errno
            s.close()
            continue
        pending[s.fileno()] = (s, dst, port)
poller = select.poll()
for fd in pending:
    poller.register(fd, select.POLLOUT | select.POLLERR | select.POLLHUP)
deadline = time.monotonic() + timeout
while pending and time.monotonic() < deadline:
    for fd, _ in poller.poll(max(0, int((deadline - time.monotonic()) * 1000))):
        s, dst, port = pending.pop(fd)
        poller.unregister(fd)
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        results[(dst, port)] = "open" if err == 0 else "refused" if err in (errno.ECONNREFUSED, errno.EPERM, errno.EACCES, errno.EHOSTUNREACH, errno.ENETUNREACH) else "error:%d" % err
        s.close()
for s, dst, port in pending.values():
    results[(dst, port)] = "filtered"
    s.close()
for (dst, port), what in results.items():
    print(dst, port, what)
