# One TCP connect per (key, source, destination, port), all at once, and what the kernel did with each:
# "open" (the handshake completed), "refused" (RST, ICMP unreachable, or a local REJECT/DROP: EPERM) or "filtered"
# (no answer in time). Shared by synprobe.py (from the client network) and outprobe.py (from a test server).
import errno, select, socket, time

REFUSED = (errno.ECONNREFUSED, errno.EPERM, errno.EACCES, errno.EHOSTUNREACH, errno.ENETUNREACH)


def connect_all(attempts, timeout, accepted=False):
    """attempts: (key, source or None, destination, port); returns {(key, port): result}. With accepted, "open" also
    needs the server to have accepted the connection (its listener writes or closes: the socket becomes readable), so a
    handshake whose last ACK the server drops (an untracked connection's) is "filtered", not "open"."""
    pending = {}
    results = {}
    for key, src, dst, port in attempts:
        s = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        if src is not None:
            s.bind((src, 0))
        try:
            s.connect((dst, port))
        except BlockingIOError:
            pass
        except OSError as e:
            results[(key, port)] = "refused" if e.errno in REFUSED else "error:%d" % e.errno
            s.close()
            continue
        pending[s.fileno()] = (s, key, port)
    poller = select.poll()
    for fd in pending:
        poller.register(fd, select.POLLOUT | select.POLLERR | select.POLLHUP)
    waiting = set()
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for fd, _ in poller.poll(max(0, int((deadline - time.monotonic()) * 1000))):
            s, key, port = pending.pop(fd)
            poller.unregister(fd)
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0 and accepted and (key, port) not in waiting:
                waiting.add((key, port))
                pending[fd] = (s, key, port)
                poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
                continue
            results[(key, port)] = "open" if err == 0 else "refused" if err in REFUSED else "error:%d" % err
            s.close()
    for s, key, port in pending.values():
        results[(key, port)] = "filtered"
        s.close()
    return results


def report(results):
    for (key, port), what in sorted(results.items()):
        print("%s %d %s" % (key, port, what))
