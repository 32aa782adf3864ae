#!/usr/bin/env python3
"""A real SMTP server for the email tests, and a real MIME parser to read what it received.

  smtp.py serve PORT DIR [starttls|implicit CERT KEY USER PASSWORD]
                           aiosmtpd on 127.0.0.1:PORT; each message's bytes go to DIR/N.eml and its
                           envelope to DIR/N.json; prints "ready" once listening; runs until killed.
                           With TLS: STARTTLS required (or TLS from the first byte) with CERT/KEY,
                           and AUTH required as USER/PASSWORD
  smtp.py parse DIR        every message in DIR, parsed with Python's email package, as one JSON list
"""
import csv
import io
import json
import os
import sys
import time


def serve(port, directory, tls=None):
    from aiosmtpd.controller import Controller

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            stem = os.path.join(directory, f"{time.time_ns()}-{Sink.count}")
            with open(stem + ".json.partial", "w") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
            with open(stem + ".eml.partial", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            os.rename(stem + ".json.partial", stem + ".json")
            os.rename(stem + ".eml.partial", stem + ".eml")
            return "250 2.0.0 Ok: queued"

    os.makedirs(directory, exist_ok=True)
    kwargs = {}
    if tls is not None:
        import ssl
        from aiosmtpd.smtp import AuthResult, LoginPassword

        mode, cert, key, user, password = tls
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login.decode() == user and auth_data.password.decode() == password
            )
            return AuthResult(success=ok)

        kwargs.update(authenticator=authenticator, auth_required=True)
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            # aiosmtpd does not count TLS from the first byte as TLS for AUTH: it is, so allow it.
            kwargs.update(ssl_context=context, server_hostname="localhost", auth_require_tls=False)
    controller = Controller(Sink(), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def attachment(part):
    data = part.get_payload(decode=True) or b""
    out = {
        "filename": part.get_filename(),
        "content_type": part.get_content_type(),
        "size": len(data),
        "starts": data[:5].decode("latin-1"),
    }
    if part.get_content_type() == "text/csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        out["csv_rows"] = len(rows)
        out["csv_header"] = rows[0] if rows else []
    return out


def parse(directory):
    from email import policy
    from email.parser import BytesParser
    from email.utils import getaddresses, parsedate_to_datetime

    messages = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            msg = BytesParser(policy=policy.default).parse(f)
        with open(os.path.join(directory, name[: -len(".eml")] + ".json")) as f:
            envelope = json.load(f)
        body = msg.get_body(preferencelist=("plain",))
        messages.append({
            "file": name,
            "envelope_to": envelope["rcpt_tos"],
            "from": str(msg["From"]),
            "to": [{"name": n, "address": a} for n, a in getaddresses([str(msg["To"])])],
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "date": parsedate_to_datetime(str(msg["Date"])).isoformat(),
            "body": body.get_content() if body is not None else "",
            "attachments": [attachment(p) for p in msg.iter_attachments()],
            "defects": [str(d) for d in msg.defects],
        })
    print(json.dumps(messages))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3], tuple(sys.argv[4:9]) if len(sys.argv) > 4 else None)
    elif sys.argv[1] == "parse":
        parse(sys.argv[2])
    else:
        sys.exit("usage: smtp.py serve PORT DIR | parse DIR")
