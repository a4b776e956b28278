# Listens on the given TCP ports on every IPv4 and IPv6 address and accepts (then closes) whatever connects.
#   python3 listen.py PORTS   (comma-separated)
import select, socket, sys

socks = []
for port in [int(p) for p in sys.argv[1].split(",")]:
    for family, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, port))
        s.listen(128)
        socks.append(s)
print("listening", flush=True)
while True:
    for s in select.select(socks, [], [])[0]:
        c, _ = s.accept()
        c.close()
