"""
A webhook receiver for trying the webhooks locally (README "Events and webhooks"):

    WEBHOOK_SECRET=whsec_... .venv/bin/python scripts/webhook_receiver.py [PORT]

Listens on 127.0.0.1:PORT (default 9000), verifies each request's Standard
Webhooks signature with the ``standardwebhooks`` package when WEBHOOK_SECRET
is set, prints the event, and answers 204 (or 400 when the signature is wrong).
"""

from __future__ import annotations

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SECRET = os.environ.get("WEBHOOK_SECRET")


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        verdict = "unverified (no WEBHOOK_SECRET)"
        status = 204
        if SECRET:
            try:
                Webhook(SECRET).verify(body, headers)
                verdict = "signature OK"
            except WebhookVerificationError as exc:
                verdict, status = f"signature REJECTED: {exc}", 400
        event = json.loads(body)
        print(f"{headers.get('webhook-id')} {event['type']}: {verdict}", flush=True)
        print(json.dumps(event["data"], indent=2), flush=True)
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
    print(f"Listening on http://127.0.0.1:{port}/hooks", flush=True)
    HTTPServer(("127.0.0.1", port), Handler).serve_forever()
