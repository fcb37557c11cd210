#!/usr/bin/env python3
"""Stalled HTTP-FLV viewers for bench/video.bench.ts.

Each viewer connects with a small receive buffer (SO_RCVBUF, set before connect so the TCP window
stays small), sends one GET, reads the status line and stops reading. Node cannot set SO_RCVBUF on
a TCP socket, and on loopback the kernel otherwise absorbs tens of MB per stalled socket (tcp_rmem
autotuning), so the server would not feel a stalled viewer for minutes.

Usage: stall.py HOST PORT PATH COUNT RCVBUF FIRST_ADDRESS_INDEX
Prints one JSON line when connected: {"ready", "failed", "errors"}. Then, on a stdin line
`resume MS`: reads everything for MS milliseconds and prints {"stalled", "closedByServer",
"bytesAfterResume"} (closedByServer: the server ended or reset the stream), then exits.
"""
import json
import select
import socket
import sys
import time


def main() -> None:
    host, port, path, count, rcvbuf, first = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    socks, errors, failed = [], [], 0
    for i in range(count):
        k = first + i
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(20)
        try:
            s.bind((f"127.0.{(k // 250) % 250}.{k % 250 + 2}", 0))
            s.connect((host, port))
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: onair-video-bench-stall\r\n\r\n".encode())
            head = s.recv(256)
            line = head.split(b"\r\n", 1)[0].decode("latin1")
            if not line.startswith("HTTP/1.1 200") and not line.startswith("HTTP/1.0 200"):
                raise RuntimeError(line or "closed")
            socks.append(s)
        except Exception as e:  # noqa: BLE001 - reported, not fatal
            failed += 1
            if len(errors) < 5:
                errors.append(str(e))
            s.close()
    print(json.dumps({"ready": len(socks), "failed": failed, "errors": errors}), flush=True)

    line = sys.stdin.readline().split()
    wait_ms = int(line[1]) if len(line) > 1 and line[0] == "resume" else 3000
    closed, total = set(), 0
    for s in socks:
        s.setblocking(False)
    end = time.monotonic() + wait_ms / 1000
    while time.monotonic() < end:
        live = [s for s in socks if s not in closed]
        if not live:
            break
        ready, _, _ = select.select(live, [], [], 0.1)
        for s in ready:
            try:
                while True:
                    b = s.recv(262144)
                    if not b:
                        closed.add(s)
                        break
                    total += len(b)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(s)
    print(json.dumps({"stalled": len(socks), "closedByServer": len(closed), "bytesAfterResume": total}), flush=True)
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
