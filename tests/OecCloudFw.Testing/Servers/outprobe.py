# Connects from this host (a test server) to every (destination, port) at once and prints what the kernel did (see
# tcpconnect.py): the server's output path is what is tested.
#   python3 outprobe.py TIMEOUT PORTS DESTINATIONS   (comma-separated)
import sys
from tcpconnect import connect_all, report

timeout = float(sys.argv[1])
ports = [int(p) for p in sys.argv[2].split(",")]
destinations = sys.argv[3].split(",")
report(connect_all([(dst, None, dst, port) for dst in destinations for port in ports], timeout))
