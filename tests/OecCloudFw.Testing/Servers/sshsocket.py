#!/usr/bin/python3
"""Socket activation for a test server that has no systemd: what ssh.socket does, simulated.

Listens on the ports given (as systemd's ssh.socket would, from its ListenStream lines) and, for every connection,
starts the real sshd in inetd mode (`sshd -i`) with the connection as its stdin and stdout, as systemd does for an
Accept=yes socket. sshd's own Port lines are then ignored, as on Ubuntu 22.10+.
  sshsocket.py PORT[,PORT...] LOGFILE
"""
import os
import signal
import socket
import subprocess
import sys

ports = [int(p) for p in sys.argv[1].split(",") if p]
log = sys.argv[2]
# Started from the tool's apply script, which ignores HUP, INT and TERM: a socket unit is stopped with TERM.
for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, signal.SIG_DFL)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
listeners = []
for port in ports:
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(64)
    listeners.append(s)
print("listening", flush=True)
import selectors
sel = selectors.DefaultSelector()
for s in listeners:
    sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        conn, _ = key.fileobj.accept()
        subprocess.Popen(["/usr/sbin/sshd", "-i", "-E", log], stdin=conn, stdout=conn, stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True)
        conn.close()
