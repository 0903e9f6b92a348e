#!/usr/bin/env python3
"""Serves the repository for `make serve` and the browser tests: python's http.server (right
MIME type for .wasm) plus `Access-Control-Allow-Origin: *`, which a sandboxed iframe (an opaque
origin) needs to load the module and the wasm, as static hosts such as GitHub Pages send."""
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript"}

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if "--quiet" not in sys.argv:
            super().log_message(fmt, *args)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    port = int(args[0]) if args else 8000
    bind = args[1] if len(args) > 1 else "127.0.0.1"
    handler = functools.partial(Handler, directory=".")
    with http.server.ThreadingHTTPServer((bind, port), handler) as httpd:
        print(f"Serving supernode-sim at http://{bind}:{port}/  (Ctrl-C to stop)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
