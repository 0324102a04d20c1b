"""``report-extract serve OUT``: a batch's dashboard and report pages served to a reviewer's browser
on this machine, with the controls that record decisions in OUT/review.json (``serve_pages``).
The standard library's ``ThreadingHTTPServer``: a handful of requests from one person need no
more, and no dependency is added to a tool that otherwise opens no port.

What it guards (docs/SECURITY.md, *serve*):

- **Only this machine.** Bound to a loopback address (127.0.0.1 unless ``--host`` names another
  loopback address; any other is refused). A request whose ``Host`` is not the address served
  (``127.0.0.1:PORT`` or ``localhost:PORT``) is refused: a site that has its name resolve to
  127.0.0.1 (DNS rebinding) still sends its own name.
- **Only whoever has the address printed.** A random token per run (``secrets.token_urlsafe``),
  printed in the URL; every request needs it: the first GET in the query (answered with a cookie,
  HttpOnly and SameSite=Strict, and a redirect to the address without it), later GETs by the
  cookie, every POST in the ``X-Report-Extract-Token`` header (or a ``token`` field of its JSON),
  compared with ``hmac.compare_digest``. A request from another site (``Origin``,
  ``Sec-Fetch-Site``) is refused; a POST must be JSON, which no form of another site can send.
- **Only files inside OUT.** Paths with ``..``, a NUL byte or a backslash, hidden files, and links
  that resolve outside the folder are refused; a folder is never listed. GET, HEAD and POST only.
- **Pages that run only their own code.** Every answer says ``nosniff``, is not to be framed nor
  cached; a page's Content-Security-Policy allows its own inline script and style by their hashes
  and requests only to this server (``views.served.policy``).
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import json
import mimetypes
import os
import secrets
import shutil
import socket
import threading
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes

from .serve_pages import Refused, decide, inside, served
from .views.served import policy

TOKEN_HEADER = "X-Report-Extract-Token"
MAX_BODY = 64 * 1024  # bytes of a decision posted (a note of 2,000 characters is 6 KB)
ACTIONS = {"/_review/verdict": "verdict", "/_review/correct": "correct", "/_review/undo": "undo"}
WRITE_WAIT = 10  # seconds a stop waits for a decision being written
NOT_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".csv": "text/csv; charset=utf-8", ".yaml": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".db": "application/vnd.sqlite3", ".sqlite": "application/vnd.sqlite3"}
INLINE = (".html", ".json", ".yaml", ".txt")  # shown in the browser; anything else is downloaded
ERRORS_ZH = {400: "请求格式不对", 404: "没有这个地址", 405: "只接受 GET、HEAD 和 POST", 408: "请求超时",
             411: "请求缺少 Content-Length", 413: "请求过大", 414: "网址过长", 415: "请求应为 JSON",
             431: "请求头过大", 501: "只接受 GET、HEAD 和 POST", 505: "不支持的 HTTP 版本"}


class ServeError(Exception):
    """A server that cannot start (an address not of this machine, a port in use, no folder); says why in Chinese."""


def loopback(host: str) -> str:
    """The address to bind for ``--host``: a loopback address (``localhost`` is 127.0.0.1);
    ServeError for any other, which would open the folder and its decisions to a network."""
    if host.strip().lower() == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise ServeError(f"--host {host}：serve 只在本机回环地址上提供（127.0.0.1、::1 或 localhost），"
                         "不向网络开放审核页面和决定")
    return str(address)


class Server(ThreadingHTTPServer):
    """The server of one output folder: its root (resolved), the run's token, the names a request
    may call it by, and one lock so decisions are recorded one at a time."""

    daemon_threads = True  # a browser's idle connection never holds up a stop

    def __init__(self, root: Path, host: str, port: int, token: str, log=None):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)
        self.root, self.token, self.log = root, token, log
        self.write_lock = threading.Lock()
        shown = f"[{host}]" if ":" in host else host
        self.hosts = {f"{shown}:{self.port}", f"localhost:{self.port}"}
        self.origins = {f"http://{name}" for name in self.hosts}
        self.url = f"http://{shown}:{self.port}/?token={token}"

    @property
    def port(self) -> int:
        return self.server_address[1]

    def stop(self) -> None:
        """No more requests; a decision being written is finished first (``WRITE_WAIT`` at most)."""
        self.server_close()
        if self.write_lock.acquire(timeout=WRITE_WAIT):
            self.write_lock.release()


def make_server(outdir: Path, host: str = "127.0.0.1", port: int = 0, log=None) -> Server:
    """A server of ``outdir`` on ``host`` (loopback only) and ``port`` (0: a free one), bound and
    not yet serving (``serve_forever``; ``stop`` after)."""
    address = loopback(host)
    if not Path(outdir).is_dir():
        raise ServeError(f"{outdir}：不是文件夹（应为 report-extract batch --html 的输出文件夹）")
    try:
        return Server(Path(outdir).resolve(), address, port, secrets.token_urlsafe(32), log)
    except OSError as exc:
        reason = "已被占用" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise ServeError(f"无法在 {address} 的端口 {port} 上提供服务：{reason}（换一个 --port，或不写它以使用空闲端口）") \
            from None


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.0"  # one request a connection: nothing lingers after an answer
    timeout = 30  # seconds a client may take to send its request

    def version_string(self) -> str:
        return "report-extract"  # no Python version told

    def do_GET(self):
        self._safely(self._get)

    def do_HEAD(self):
        self._safely(self._get)

    def do_POST(self):
        self._safely(self._post)

    def _not_allowed(self):
        self._answer(405, {"error": ERRORS_ZH[405]}, extra={"Allow": "GET, HEAD, POST"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed

    def _safely(self, handle) -> None:
        try:
            handle()
        except Refused as exc:
            self._answer(exc.status, {"error": exc.said})
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the browser went away
        except Exception as exc:  # a bug of ours: said, and the server goes on
            self.log_message("internal error: %s: %s", type(exc).__name__, exc)
            self._answer(500, {"error": f"服务器内部错误（{type(exc).__name__}: {exc}），请报告此问题"})

    # --- what every request must be -----------------------------------------------------------
    def _guard(self) -> tuple[str, str]:
        """(path, query) of a request from this machine's browser to this server; Refused else."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.server.hosts:
            raise Refused(403, f"拒绝：Host“{', '.join(hosts) or '（无）'}”不是本服务的地址（只接受 "
                               f"{' 或 '.join(sorted(self.server.hosts))}）")
        origin = self.headers.get("Origin")
        if origin is not None and origin.lower() not in self.server.origins:
            raise Refused(403, f"拒绝：来自其他网站（{origin}）的请求")
        if self.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            raise Refused(403, "拒绝：来自其他网站的请求")
        if not self.path.startswith("/"):
            raise Refused(400, "请求的地址应以 / 开头")
        path, _, query = self.path.partition("?")
        return path, query

    def _right(self, given) -> bool:
        return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8", "replace"),
                                                              self.server.token.encode("ascii"))

    def _cookie_name(self) -> str:
        return f"report_extract_token_{self.server.port}"  # a cookie is not kept per port: the name is

    def _cookie(self) -> str | None:
        try:
            morsel = SimpleCookie(self.headers.get("Cookie", "")).get(self._cookie_name())
        except CookieError:
            return None
        return morsel.value if morsel else None

    # --- GET and HEAD: a file of the folder, a page with the controls ----------------------------
    def _get(self) -> None:
        path, query = self._guard()
        tokens = parse_qs(query).get("token")
        if tokens is not None:
            if not self._right(tokens[0]):
                raise Refused(403, "访问令牌不对：请打开 report-extract serve 在终端显示的网址")
            # the token kept in a cookie, and the address shown without it (no history, no Referer)
            cookie = f"{self._cookie_name()}={self.server.token}; Path=/; HttpOnly; SameSite=Strict"
            self._answer(303, b"", extra={"Location": "/" + path.lstrip("/"), "Set-Cookie": cookie})
            return
        if not self._right(self._cookie()):
            raise Refused(403, "需要访问令牌：请打开 report-extract serve 在终端显示的网址（含 ?token=…）")
        if path in ACTIONS:
            raise Refused(405, "此地址只接受 POST")
        try:
            rel = unquote_to_bytes(path).decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(404, "没有这个地址") from None
        rel = rel.lstrip("/") or "index.html"
        real = inside(self.server.root, rel)
        if real.suffix == ".html":
            page = served(self.server.root, rel, real, self.server.token).encode("utf-8")
            self._answer(200, page, TYPES[".html"], policy())
            return
        kind = TYPES.get(real.suffix) or mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        extra = {} if real.suffix in INLINE else {"Content-Disposition": "attachment"}
        with open(real, "rb") as handle:
            self._head(200, kind, os.fstat(handle.fileno()).st_size, NOT_HTML_POLICY, extra)
            if self.command != "HEAD":
                shutil.copyfileobj(handle, self.wfile)

    # --- POST: a decision -------------------------------------------------------------------------
    def _post(self) -> None:
        path, _ = self._guard()
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Refused(411, ERRORS_ZH[411]) from None
        if not 0 <= length <= MAX_BODY:
            raise Refused(413, f"请求过大（最多 {MAX_BODY // 1024} KB）")
        raw = self.rfile.read(length)
        is_json = self.headers.get("Content-Type", "").split(";")[0].strip().lower() == "application/json"
        try:
            body = json.loads(raw.decode("utf-8")) if is_json else None
        except ValueError:
            body = None
        token = self.headers.get(TOKEN_HEADER) or (body.get("token") if isinstance(body, dict) else None)
        if not self._right(token):
            raise Refused(403, "缺少或错误的访问令牌：未记录（请从 report-extract serve 显示的网址打开页面）")
        if path not in ACTIONS:
            raise Refused(404, "没有这个操作")
        if not is_json:
            raise Refused(415, "请求应为 JSON（Content-Type: application/json）")
        if not isinstance(body, dict):
            raise Refused(400, "请求不是有效的 JSON 对象")
        with self.server.write_lock:  # one decision at a time: each reads the store it changes
            answer = decide(self.server.root, ACTIONS[path], body)
        self._answer(200, answer)

    # --- answers ---------------------------------------------------------------------------------
    def _answer(self, status: int, body, kind: str = "application/json; charset=utf-8",
                csp: str = NOT_HTML_POLICY, extra: dict | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._head(status, kind, len(data), csp, extra or {})
        if getattr(self, "command", None) != "HEAD" and data:
            self.wfile.write(data)

    def _head(self, status: int, kind: str, size: int, csp: str, extra: dict) -> None:
        self.send_response(status)
        headers = {"Content-Type": kind, "Content-Length": str(size), "Content-Security-Policy": csp,
                   "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
                   "Cache-Control": "no-store", "Cross-Origin-Resource-Policy": "same-origin",
                   "Cross-Origin-Opener-Policy": "same-origin", **extra}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def send_error(self, code, message=None, explain=None):
        """The standard library's own refusals (a malformed request, an unknown method) as ours: JSON, in Chinese."""
        try:
            self._answer(code, {"error": ERRORS_ZH.get(code, "请求无法处理")})
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 (the standard library's name)
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")
