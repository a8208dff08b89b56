"""A TCP proxy that can cut the network (issue 20's outage tests and benchmark): it forwards
127.0.0.1:port to a target; cut("drop") closes every connection and refuses new ones (a cable
pulled, a server's host gone), cut("blackhole") leaves connections open but passes nothing (a
firewall eating packets); restore() forwards again.

    from tcp_proxy import Proxy
    p = Proxy(("127.0.0.1", pg.port)); p.port   # connect kiosks to p.port
    p.cut("drop"); ...; p.restore(); p.close()
"""
import socket, threading


class Proxy:
    def __init__(self, target):
        self.target = target
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(512)
        self.port = self.lsock.getsockname()[1]
        self.mode = None          # None: forwarding; "drop" or "blackhole"
        self.lock = threading.Lock()
        self.conns = []           # (client, upstream) pairs alive
        self.accepted = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            self.accepted += 1
            mode = self.mode
            if mode == "drop":
                c.close()
                continue
            if mode == "blackhole":
                with self.lock:
                    self.conns.append((c, None))
                continue
            try:
                u = socket.create_connection(self.target, timeout=5)
                u.settimeout(None)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns.append((c, u))
            threading.Thread(target=self._pump, args=(c, u), daemon=True).start()
            threading.Thread(target=self._pump, args=(u, c), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while True:
                if self.mode == "blackhole":
                    threading.Event().wait(0.05)
                    continue
                b = src.recv(65536)
                if not b:
                    break
                dst.sendall(b)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _close_all(self):
        with self.lock:
            conns, self.conns = self.conns, []
        for c, u in conns:
            for s in (c, u):
                if s is None:
                    continue
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def cut(self, mode="drop"):
        self.mode = mode
        if mode == "drop":
            self._close_all()

    def restore(self):
        if self.mode == "blackhole":
            self._close_all()   # what was held is stale: its peers gave up on it
        self.mode = None

    def close(self):
        self.closed = True
        self.lsock.close()
        self._close_all()
