# Sends one TCP SYN per (source, destination, port) from the client network, all at once, and prints what the kernel
# did: "open" (the handshake completed), "refused" (RST or ICMP unreachable) or "filtered" (no answer in time).
#   python3 synprobe.py TIMEOUT DEST4 DEST6 PORTS SOURCES   (PORTS and SOURCES comma-separated)
import errno, select, socket, sys, time

timeout = float(sys.argv[1])
dest4, dest6 = sys.argv[2], sys.argv[3]
ports = [int(p) for p in sys.argv[4].split(",")]
sources = sys.argv[5].split(",")
pending = {}
results = {}
for src in sources:
    v6 = ":" in src
    for port in ports:
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((src, 0))
        try:
            s.connect((dest6 if v6 else dest4, port))
        except BlockingIOError:
            pass
        except OSError as e:
            results[(src, port)] = "refused" if e.errno == errno.ECONNREFUSED else "error:%d" % e.errno
            s.close()
            continue
        pending[s.fileno()] = (s, src, port)
poller = select.poll()
for fd in pending:
    poller.register(fd, select.POLLOUT | select.POLLERR | select.POLLHUP)
deadline = time.monotonic() + timeout
while pending and time.monotonic() < deadline:
    for fd, _ in poller.poll(max(1, int((deadline - time.monotonic()) * 1000))):
        s, src, port = pending.pop(fd)
        poller.unregister(fd)
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        results[(src, port)] = "open" if err == 0 else "refused" if err in (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EACCES, errno.EPERM) else "error:%d" % err
        s.close()
for s, src, port in pending.values():
    results[(src, port)] = "filtered"
    s.close()
for (src, port), r in sorted(results.items()):
    print("%s %d %s" % (src, port, r))
