#!/ usr / bin / python3
"""A local SMTP sink for tests: aiosmtpd on 127.0.0.1 on a port the kernel picks.

Prints "PORT <n>" once listening. Stores message <n> as <dir>/<n>.env (envelope: "from <addr>",
"rcpt <addr>" lines, "tls yes|no", "auth <user>|-") then <dir>/<n>.eml (the raw DATA), each
written to a temporary name first and renamed, so a reader never sees half a file. Exits when
its standard input closes (the test that started it went away) or on SIGTERM.

usage: smtp_sink.py DIR [--tls CERT KEY] [--auth USER PASSWORD]
"""

import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    directory = args.pop(0)
    tls = None
    auth = None
    while args:
        option = args.pop(0)
        if option == "--tls":
            tls = (args.pop(0), args.pop(0))
        elif option == "--auth":
            auth = (args.pop(0).encode(), args.pop(0).encode())
        else:
            sys.exit("unknown option " + option)

    count = 0

    def write(name, data):
        path = os.path.join(directory, name)
        with open(path + ".tmp", "wb") as out:
            out.write(data)
        os.rename(path + ".tmp", path)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            nonlocal count
            count += 1
            lines = ["from " + (envelope.mail_from or "")]
            lines += ["rcpt " + rcpt for rcpt in envelope.rcpt_tos]
            lines.append("tls " + ("yes" if session.ssl is not None else "no"))
            login = getattr(session, "sink_login", None) if session.authenticated else None
            login = login.decode() if login else "-"
            lines.append("auth " + login)
            write("%04d.env" % count, ("\n".join(lines) + "\n").encode())
            write("%04d.eml" % count, envelope.original_content)
            return "250 OK stored"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              (auth_data.login, auth_data.password) == auth)
        if ok:
            session.sink_login = auth_data.login
        return AuthResult(success=ok, handled=False)

    context = None
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)

    def factory():
        kwargs = dict(decode_data=False, tls_context=context, require_starttls=False,
                      hostname="sink.test")
        if auth:
            kwargs.update(authenticator=authenticator, auth_required=True,
                          auth_require_tls=False)
        return SMTP(Handler(), **kwargs)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=0))
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    loop.add_reader(sys.stdin.fileno(), lambda: loop.stop() if not os.read(0, 4096) else None)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
