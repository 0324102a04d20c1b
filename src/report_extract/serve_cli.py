"""``report-extract serve OUT``: the command (the server is ``serve``). The address, with the run's
token, goes to stderr, as every message does; nothing goes to stdout. Ctrl-C or SIGTERM stops it
as they stop every command (``guard.stop_on_signals``: one line, exit 130 or 143), once a decision
being written is written."""

from __future__ import annotations

from pathlib import Path

import typer

from .cli_support import EXIT_USAGE, say, settings

EXAMPLES = ("\b\nExamples:\n  report-extract batch archive/ -o out/ --html   # the pages first\n"
            "  report-extract serve out/                       # then open the address it prints\n"
            "  report-extract serve out/ --port 8765 --open")


def serve(
    out: Path = typer.Argument(..., metavar="OUT", help="A batch's output folder (batch --html wrote its pages)."),
    port: int = typer.Option(0, "--port", min=0, max=65535, metavar="N", show_default="a free port",
                             help="The port to serve on."),
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS",
                             help="A loopback address only (127.0.0.1, ::1, localhost): serve never opens the "
                                  "folder to a network."),
    open_browser: bool = typer.Option(False, "--open", help="Open the address in a browser."),
):
    """Serve the folder's dashboard and report pages on this machine, with buttons beside each
    problem (确认 confirm, 误报 dismiss, 已更正 fixed) and each value (✎ correct), recorded in
    OUT/review.json as the review commands record them. The address printed holds a token, new on
    every run. Ctrl-C stops it."""
    from .serve import ServeError, make_server

    try:
        server = make_server(out, host, port, log=say if settings["verbose"] else None)
    except ServeError as exc:
        say(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    try:
        if not (out / "index.html").is_file():
            say(f"{out} 中没有 index.html：先运行 report-extract batch … -o {out} --html")
        say(f"审核页面：{server.url}")
        say("只有本机能打开；网址中的令牌每次启动都不同，请勿分享。按 Ctrl-C 停止。")
        if open_browser:
            import threading
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        server.serve_forever()
    finally:
        server.stop()
