# Sends one TCP SYN per (source, destination, port) from the client network, all at once, and prints what the kernel
# did (see tcpconnect.py).
#   python3 synprobe.py TIMEOUT DEST4 DEST6 PORTS SOURCES   (PORTS and SOURCES comma-separated)
import sys
from tcpconnect import connect_all, report

timeout = float(sys.argv[1])
dest4, dest6 = sys.argv[2], sys.argv[3]
ports = [int(p) for p in sys.argv[4].split(",")]
sources = sys.argv[5].split(",")
accepted = len(sys.argv) > 6 and sys.argv[6] == "accepted"
report(connect_all([(src, src, dest6 if ":" in src else dest4, port) for src in sources for port in ports], timeout, accepted))
