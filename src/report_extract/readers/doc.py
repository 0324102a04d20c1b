"""Legacy Word .doc and WPS .wps: converted to DOCX by LibreOffice, then read as DOCX.

LibreOffice is not a dependency of report-extract: where it is missing, the error says how to
install it or convert the file by hand.

The conversion never reaches the network. A .doc can hold ``INCLUDEPICTURE "http://…"``, which
LibreOffice fetches while it loads the file (9 requests a picture for 7.4: OPTIONS, HEAD, GET, each
three times), so a hostile file could call out, or stall the conversion on a slow server. So:

- where the machine allows it, LibreOffice runs without any network (``unshare -rn``: a network
  namespace with only a loopback that is down; checked once a process);
- in any case it runs with a profile of its own for each conversion whose settings send every
  http, https and ftp request to a proxy on a closed loopback port (refused at once) and never
  update links.

Its temporary files go into the conversion's own folder (TMPDIR), and its single-instance pipe,
which LibreOffice always makes in /tmp, goes with that folder however LibreOffice ends.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from .. import janitor
from ..document import Document
from ..errors import ReportError
from . import docx

TIMEOUT = 120  # seconds for one conversion
# loopback ports to send LibreOffice's requests to: privileged (only root may listen on them) and
# unused on an ordinary machine; the first that refuses a connection is taken
CLOSED_PORTS = (1, 9, 7, 13)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(data: bytes, name: str = "<stdin>") -> Document:
    binary = soffice()
    if binary is None:
        raise ReportError("doc_needs_libreoffice", name)
    document = docx.read(convert(data, "doc", "docx", name, binary), name)
    document.format = "doc"
    return document


def convert(data: bytes, suffix: str, to: str, name: str = "<stdin>", binary: str | None = None) -> bytes:
    """``data``, a file of type ``suffix``, converted by LibreOffice to ``to`` (docx, doc, …),
    offline, in a temporary folder of its own that goes with all LibreOffice left in it."""
    binary = binary or soffice()
    if binary is None:
        raise ReportError("libreoffice_missing", name)
    with tempfile.TemporaryDirectory(prefix="report-extract-lo-") as tmp:
        source = Path(tmp) / f"input.{suffix}"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        write_offline_profile(profile)
        isolated = no_network()
        janitor.also_remove(tmp, pipe_path(profile.as_uri(), inside_user_namespace="-rn" in isolated))
        command = [*isolated, binary, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                   "--convert-to", to, "--outdir", str(Path(tmp) / "out"), str(source)]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": tmp})
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ReportError("doc_timeout", name, seconds=TIMEOUT) from None
        finally:
            if process.poll() is None:  # its timeout, or ours: the launcher and the office it started
                janitor.kill_tree(process.pid)
                process.wait()
            janitor.remove_linked(tmp)  # its pipe in /tmp, were it killed or had it crashed
        converted = Path(tmp) / "out" / f"input.{to}"
        if not converted.exists():
            raise ReportError("doc_unconverted", name)
        return converted.read_bytes()


@functools.cache
def no_network() -> list[str]:
    """The command prefix that runs LibreOffice without network (a network namespace of its own:
    ``unshare -rn`` as any user where user namespaces are allowed, ``-n`` as root where they are
    not), or [] where the machine allows neither. Checked once a process."""
    tool = shutil.which("unshare")
    if tool is None or not sys.platform.startswith("linux"):
        return []
    for flags in ("-rn", "-n"):
        try:
            if subprocess.run([tool, flags, "true"], capture_output=True, timeout=10).returncode == 0:
                return [tool, flags]
        except (OSError, subprocess.SubprocessError):
            pass
    return []


@functools.cache
def closed_port() -> int:
    for port in CLOSED_PORTS:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return port
    return CLOSED_PORTS[0]


def write_offline_profile(profile: Path) -> None:
    """A LibreOffice user profile whose settings stop every remote load: a manual proxy on a closed
    loopback port for http, https and ftp (no exceptions), links never updated, remote links of
    untrusted documents blocked, macros off."""
    port = closed_port()
    settings = {("org.openoffice.Inet/Settings", "ooInetProxyType", "int"): 2,  # manual
                ("org.openoffice.Inet/Settings", "ooInetNoProxy", "string"): ""}
    for scheme in ("HTTP", "HTTPS", "FTP"):
        settings[("org.openoffice.Inet/Settings", f"ooInet{scheme}ProxyName", "string")] = "127.0.0.1"
        settings[("org.openoffice.Inet/Settings", f"ooInet{scheme}ProxyPort", "int")] = port
    for application in ("Writer", "Calc"):
        settings[(f"org.openoffice.Office.{application}/Content/Update", "Link", "int")] = 2  # never
    scripting = "org.openoffice.Office.Common/Security/Scripting"
    settings[(scripting, "BlockUntrustedRefererLinks", "boolean")] = "true"
    settings[(scripting, "MacroSecurityLevel", "int")] = 3  # very high: only signed, trusted macros
    settings[(scripting, "DisableMacrosExecution", "boolean")] = "true"
    items = "".join(f'<item oor:path="/{path}"><prop oor:name="{prop}" oor:op="fuse" oor:type="xs:{kind}">'
                    f"<value>{value}</value></prop></item>\n" for (path, prop, kind), value in settings.items())
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n", encoding="utf-8")


def pipe_path(profile_url: str, inside_user_namespace: bool = False) -> str:
    """Where LibreOffice makes its single-instance pipe for a profile: /tmp whatever TMPDIR says
    (sal/osl/unx/pipe.cxx), named by the user id (0 in a user namespace of its own) and the MD5 of
    the profile's URL in UTF-16, each byte in hex without padding (desktop/…/officeipcthread.cxx)."""
    user = 0 if inside_user_namespace else os.getuid()
    digest = "".join(f"{byte:x}" for byte in hashlib.md5(profile_url.encode("utf-16-le")).digest())
    folder = "/tmp" if os.access("/tmp", os.W_OK) else "/var/tmp"
    return f"{folder}/OSL_PIPE_{user}_SingleOfficeIPC_{digest}"
