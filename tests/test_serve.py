"""``report-extract serve OUT`` (issue 21, ways to decide): a batch's pages served on 127.0.0.1 with
buttons that record decisions in OUT/review.json. The server runs in a thread on a free port and is
asked with http.client (raw paths, headers as a hostile page or client would send them); the
buttons are clicked in headless Chromium (skipped where it is absent); the command is stopped by
SIGINT and SIGTERM as a subprocess."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest.mock import ANY

import pytest
from typer.testing import CliRunner

from browser import Chromium, find
from conftest import FIXTURES
from report_extract.cli import app
from report_extract.serve import ServeError, loopback, make_server

FIELD = "applications.carried_forward.natural_person"  # 3 as printed; 2 makes its column balance
PAGE = "balance.txt.html"


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory) -> Path:
    """A batch's output folder with pages: one report with two balance errors, one clean."""
    root = tmp_path_factory.mktemp("serve")
    archive = root / "archive"
    archive.mkdir()
    shutil.copy(FIXTURES / "v2021-balance.txt", archive / "balance.txt")
    (archive / "2019").mkdir()
    shutil.copy(FIXTURES / "v2019-clean.txt", archive / "2019" / "clean.txt")
    subprocess.run([sys.executable, "-m", "report_extract", "batch", "archive", "-o", "out", "--html"], cwd=root,
                   check=True, capture_output=True, timeout=600)
    return root / "out"


@pytest.fixture
def out(batch_out, tmp_path) -> Path:
    """A copy of the folder for one test (its decisions its own)."""
    return Path(shutil.copytree(batch_out, tmp_path / "out"))


class Served:
    """A server of ``out`` in a thread, and requests to it as they are sent (no client normalises a path)."""

    def __init__(self, out: Path):
        self.server = make_server(out)
        self.port, self.token = self.server.port, self.server.token
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(self, method: str, path: str, body=None, headers: dict | None = None, token: bool = False,
                cookie: bool = False) -> tuple[int, dict, bytes]:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if token:
            sent["X-Report-Extract-Token"] = self.token
        if cookie:
            sent["Cookie"] = f"report_extract_token_{self.port}={self.token}"
        data = json.dumps(body, ensure_ascii=False).encode() if isinstance(body, dict) else body
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in sent.items():
                connection.putheader(name, value)
            if data is not None:
                connection.putheader("Content-Length", str(len(data)))
            connection.endheaders(data)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def page(self, path: str = f"/{PAGE}") -> str:
        status, _, data = self.request("GET", path, cookie=True)
        assert status == 200, data.decode()
        return data.decode()

    def decide(self, action: str, **body) -> tuple[int, dict]:
        status, _, data = self.request("POST", f"/_review/{action}", {"page": PAGE, **body}, token=True)
        return status, json.loads(data)

    def close(self) -> None:
        self.server.shutdown()
        self.server.stop()


@pytest.fixture
def served(out):
    server = Served(out)
    yield server
    server.close()


def problems_of(out: Path) -> dict[str, dict]:
    """The balance report's problems as its result holds them, by the column they are about."""
    data = json.loads((out / "balance.txt.json").read_text(encoding="utf-8"))
    return {p["column"]: p for p in data["problems"]}


def stored(out: Path) -> dict:
    return json.loads((out / "review.json").read_text(encoding="utf-8"))


def without_time(records: list[dict]) -> list[dict]:
    for record in records:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", record.pop("time"))
    return records


def test_bound_to_127_0_0_1_and_no_other_host_than_a_loopback_one(served, out):
    assert served.server.socket.getsockname()[:2] == ("127.0.0.1", served.port)
    assert served.server.url == f"http://127.0.0.1:{served.port}/?token={served.token}"
    other = make_server(out)
    other.server_close()
    assert len(served.token) >= 40 and served.token != other.token  # a new one each run
    assert (loopback("localhost"), loopback("127.0.0.1"), loopback("::1"), loopback("127.0.0.2")) == \
        ("127.0.0.1", "127.0.0.1", "::1", "127.0.0.2")
    for host in ("0.0.0.0", "::", "192.168.1.5", "example.com", ""):
        with pytest.raises(ServeError, match="只在本机回环地址上提供"):
            loopback(host)
    refused = CliRunner().invoke(app, ["serve", str(out), "--host", "0.0.0.0"])
    assert refused.exit_code == 2
    assert "--host 0.0.0.0：serve 只在本机回环地址上提供（127.0.0.1、::1 或 localhost）" in refused.output
    with pytest.raises(ServeError, match=f"无法在 127.0.0.1 的端口 {served.port} 上提供服务：已被占用"):
        make_server(out, port=served.port)
    missing = CliRunner().invoke(app, ["serve", str(out / "nowhere")])
    assert missing.exit_code == 2 and "不是文件夹" in missing.output


def test_every_request_needs_the_token_which_the_first_get_turns_into_a_strict_cookie(served):
    status, headers, data = served.request("GET", "/")
    assert status == 403 and json.loads(data) == {
        "error": "需要访问令牌：请打开 report-extract serve 在终端显示的网址（含 ?token=…）"}
    assert headers["content-type"] == "application/json; charset=utf-8" and headers["x-content-type-options"] == "nosniff"
    assert served.request("GET", "/?token=wrong")[0] == 403
    status, headers, _ = served.request("GET", f"/{PAGE}?token={served.token}")
    assert status == 303 and headers["location"] == f"/{PAGE}"  # the token no longer in the address
    assert headers["set-cookie"] == f"report_extract_token_{served.port}={served.token}; Path=/; HttpOnly; SameSite=Strict"
    # a token in the query never redirects off the server
    assert served.request("GET", f"//evil.example/?token={served.token}")[1]["location"] == "/evil.example/"
    status, headers, data = served.request("GET", "/", cookie=True)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    policy = headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; script-src 'sha256-") and "'unsafe-inline'" not in policy
    assert "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http-equiv=\"Content-Security-Policy\"" not in data.decode()  # the page's own, that forbids posting, taken out


def test_a_post_without_the_token_is_refused_and_records_nothing(served, out):
    problem = problems_of(out)["natural_person"]
    decision = {"page": PAGE, "problem": problem["id"], "verdict": "dismissed", "note": "原件此处为合并单元格"}
    for headers, cookie in (({}, False), ({"X-Report-Extract-Token": "wrong"}, False), ({}, True)):
        status, _, data = served.request("POST", "/_review/verdict", decision, headers=headers, cookie=cookie)
        assert status == 403, headers
        assert json.loads(data) == {"error": "缺少或错误的访问令牌：未记录（请从 report-extract serve 显示的网址打开页面）"}
    # nor as a form of another site could send it
    form = f"page={PAGE}&problem={problem['id']}&verdict=dismissed&note=x".encode()
    status, _, _ = served.request("POST", "/_review/verdict", form, token=True,
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415
    assert not (out / "review.json").exists()


def test_another_host_or_origin_is_refused(served):
    for host in ("evil.example", f"evil.example:{served.port}", f"127.0.0.1:{served.port + 1}", f"192.168.1.5:{served.port}"):
        status, _, data = served.request("GET", "/", headers={"Host": host}, cookie=True)
        assert status == 403 and json.loads(data)["error"].startswith(f"拒绝：Host“{host}”不是本服务的地址"), host
    assert served.request("GET", "/", headers={"Host": f"localhost:{served.port}"}, cookie=True)[0] == 200
    decision = {"page": PAGE, "problem": "0" * 16, "verdict": "confirmed"}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        status, _, data = served.request("POST", "/_review/verdict", decision, headers=headers, token=True)
        assert status == 403 and json.loads(data)["error"].startswith("拒绝：来自其他网站"), headers


def test_nothing_outside_the_folder_is_served(served, out, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0 secret\n", encoding="utf-8")
    os.symlink(secret, out / "leak.txt")
    os.symlink(tmp_path, out / "outside")
    (out / "inside").mkdir()
    os.symlink(out / "index.html", out / "inside" / "index-link.html")  # a link within the folder is fine
    expected = {"/../etc/passwd": 403, "/..%2f..%2fetc%2fpasswd": 403, "/%2e%2e/%2e%2e/etc/passwd": 403,
                "/%2E%2E/secret.txt": 403, "/inside/../../secret.txt": 403, "/leak.txt": 403,
                "/outside/secret.txt": 403, "/%00": 403, "/index.html%00.txt": 403, "/..%5csecret.txt": 403,
                "//etc/passwd": 404, "/etc/passwd": 404, "/inside/": 404, "/inside": 404,
                "/.report-extract.lock": 404, "/%ff.html": 404, "/nothing.html": 404}
    for path, status in expected.items():
        got, headers, data = served.request("GET", path, cookie=True)
        assert (path, got) == (path, status)
        assert b"secret" not in data and b"root:" not in data and headers["content-type"].startswith("application/json")
    assert served.request("GET", "/inside/index-link.html", cookie=True)[0] == 200
    status, headers, data = served.request("GET", "/summary.csv", cookie=True)
    assert status == 200 and headers["content-disposition"] == "attachment" and data.startswith(b"\xef\xbb\xbfpath,")
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
    status, headers, data = served.request("HEAD", "/index.html", cookie=True)
    assert status == 200 and data == b"" and int(headers["content-length"]) > 1000


def test_only_get_head_and_post(served):
    for method in ("PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"):
        status, headers, data = served.request(method, "/index.html", cookie=True)
        assert (status, headers.get("allow")) == (405, "GET, HEAD, POST"), method
        assert json.loads(data) == {"error": "只接受 GET、HEAD 和 POST"}
    status, _, data = served.request("BREW", "/", cookie=True)
    assert status == 501 and json.loads(data) == {"error": "只接受 GET、HEAD 和 POST"}
    assert served.request("GET", "/_review/verdict", cookie=True)[0] == 405


def test_a_dismissal_is_written_to_the_store_and_the_page_shows_it_at_once(served, out):
    problem = problems_of(out)["natural_person"]
    status, answer = served.decide("verdict", problem=problem["id"], verdict="dismissed", note=" 原件此处为合并单元格 ")
    assert status == 200
    assert answer["message"] == f"已记录：问题 #{problem['id'][:8]}（balance）误报。总览页的计数在下次运行 batch 时更新。"
    sha = json.loads((out / "balance.txt.json").read_text(encoding="utf-8"))["source"]["sha256"]
    record = {"sha256": sha, "problem": problem["id"], "verdict": "dismissed", "note": "原件此处为合并单元格",
              "code": "balance", "path": "archive/balance.txt"}
    data = stored(out)
    assert without_time(data["verdicts"]) == [record] and data["corrections"] == []
    page = served.page()
    assert '<span class="verdict dismissed">误报：原件此处为合并单元格</span>' in page
    assert '<h2 id="problems">问题（错误 1，警告 0，提示 0，误报 1）</h2>' in page
    assert f'"verdicts": ["{problem["id"]}"]' in re.search(r'data-context="([^"]*)"', page)[1].replace("&quot;", '"')
    # the file the batch wrote is not changed: the decision reaches it at the next batch
    assert "误报" not in (out / PAGE).read_text(encoding="utf-8")
    # a note is required to dismiss, a problem of another report or none is not one of this page's
    assert served.decide("verdict", problem=problem["id"], verdict="dismissed", note=" ") == (400, {"error": "请写明为何是误报"})
    status, answer = served.decide("verdict", problem="0123456789abcdef", verdict="confirmed")
    assert status == 400 and "没有编号为 0123456789abcdef 的问题" in answer["error"]
    assert served.decide("verdict", problem=problem["id"], verdict="maybe")[0] == 400
    status, answer = served.decide("undo", problem=problem["id"])
    assert (status, answer["message"]) == (200, f"已撤销问题 #{problem['id'][:8]} 的审核结论。总览页的计数在下次运行 batch 时更新。")
    assert stored(out)["verdicts"] == [] and "verdict dismissed" not in served.page()
    assert served.decide("undo", problem=problem["id"])[0] == 404


def test_a_correction_is_written_the_checks_run_again_and_the_page_shows_it(served, out):
    before = problems_of(out)
    status, answer = served.decide("correct", field=FIELD, value="2", reason="原件为2")
    assert status == 200 and answer["message"] == \
        f"已记录：“四、结转下年度继续办理”“自然人”（{FIELD}）更正为 2。总览页的计数在下次运行 batch 时更新。"
    [record] = without_time(stored(out)["corrections"])
    assert record == {"sha256": record["sha256"], "field": FIELD, "value": 2, "reason": "原件为2", "path": "archive/balance.txt"}
    page = served.page()
    cell = re.search(rf'<td class="([^"]*)" id="c-{FIELD}" data-key="{FIELD}" title="([^"]*)">([^<]*)</td>', page)
    assert cell.groups() == ("v corrected", "行：四、结转下年度继续办理；原文：3；审核更正，原读数 3：原件为2", "2")
    # its column balances now: its balance problem is gone, the total's stays
    assert f'id="{before["natural_person"]["id"]}"' not in page and f'id="{before["total"]["id"]}"' in page
    # the problem that comes with it (the row no longer adds up to its total) can be decided on this page
    listed = re.findall(r'<a class="pid" id="([0-9a-f]{16})"', page)
    new = [pid for pid in listed if pid not in {p["id"] for p in before.values()}]
    assert len(new) == 1
    assert served.decide("verdict", problem=new[0], verdict="confirmed")[0] == 200
    for value, said in (("abc", "“abc”不是该栏的数值：应为不小于 0 的整数，或“空”表示没有数字"),
                        ("-1", "“-1”不是该栏的数值：应为不小于 0 的整数，或“空”表示没有数字")):
        assert served.decide("correct", field=FIELD, value=value, reason="x") == (400, {"error": said})
    assert served.decide("correct", field=FIELD, value="2", reason="") == (400, {"error": "请写明更正的依据"})
    status, answer = served.decide("correct", field="applications.nowhere.total", value="1", reason="x")
    assert status == 400 and "表格中没有 applications.nowhere.total 这一格" in answer["error"]
    assert served.decide("undo", field=FIELD) == (200, {
        "ok": True, "message": f"已撤销“四、结转下年度继续办理”“自然人”（{FIELD}）的更正。总览页的计数在下次运行 batch 时更新。",
        "record": {**record, "time": ANY}})
    assert stored(out)["corrections"] == [] and 'class="v corrected"' not in served.page()


def test_a_page_opened_as_a_file_has_no_controls_and_a_served_one_has_them_once(served, out):
    for name in (PAGE, "index.html"):
        written = (out / name).read_text(encoding="utf-8")
        assert "review-context" not in written and "review-bar" not in written and "_review/" not in written
    page, index = served.page(), served.page("/")
    assert page.count('<div id="review-context"') == 1 and page.count("/_review/verdict") == 1
    assert '"report": true' in page.replace("&quot;", '"') and '<a href="index.html">返回总览</a>' in page
    assert "本页的计数和各机关各年度格子的颜色在下次运行 report-extract batch 时更新" in index
    assert '"report": false' in index.replace("&quot;", '"')
    below = served.page("/2019/clean.txt.html")  # a page in a folder of its own links up to the dashboard
    assert '<a href="../index.html">返回总览</a>' in below and '"page": "2019/clean.txt.html"' in below.replace("&quot;", '"')
    # a page that is no report's (its result gone): the bar, no controls
    (out / "balance.txt.json").unlink()
    plain = served.page()
    assert "此页不是某份报告的页面，没有审核按钮" in plain and '"report": false' in plain.replace("&quot;", '"')
    status, answer = served.decide("verdict", problem="0" * 16, verdict="confirmed")
    assert (status, answer) == (404, {"error": f"{PAGE} 不是某份报告的页面，不能在此记录审核决定"})


def test_a_folder_a_batch_is_writing_into_is_a_clear_409(served, out):
    from report_extract.archive.outfolder import take_lock

    lock = take_lock(out)
    try:
        status, answer = served.decide("correct", field=FIELD, value="2", reason="原件为2")
    finally:
        lock.close()
    assert (status, answer) == (409, {"error": "另一个 batch 正在写入该文件夹，请在它结束后再记录审核决定"})


@pytest.mark.parametrize("number, code, said", [(signal.SIGINT, 130, "已中断"),
                                                (signal.SIGTERM, 143, "被 SIGTERM 信号中断")])
def test_the_command_prints_the_address_on_stderr_and_stops_on_a_signal(batch_out, number, code, said):
    process = subprocess.Popen([sys.executable, "-m", "report_extract", "serve", str(batch_out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        found = re.fullmatch(r"report-extract: 审核页面：http://127\.0\.0\.1:(\d+)/\?token=([\w-]{40,})\n", line)
        assert found, line
        port = int(found[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/?token={found[2]}")
        assert connection.getresponse().status == 303
        connection.close()
        time.sleep(0.2)
        process.send_signal(number)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code and stdout == ""
    assert stderr.splitlines()[-1] == f"report-extract: {said}"
    with pytest.raises(OSError):  # nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.mark.skipif(find() is None, reason="chromium is not installed")
def test_in_a_browser_a_click_dismisses_a_problem_and_the_page_and_the_store_show_it(served, out, tmp_path):
    problem = problems_of(out)["natural_person"]
    url = f"http://127.0.0.1:{served.port}/{PAGE}?token={served.token}"
    for width in (1400, 420):
        browser = Chromium(find(), width=width, height=900)
        try:
            loaded = browser.load(url)
            assert loaded["errors"] == []  # the policy lets the page's scripts run, and nothing else
            assert all(u.startswith(f"http://127.0.0.1:{served.port}/") for u in loaded["requests"])
            assert browser.evaluate("location.href") == f"http://127.0.0.1:{served.port}/{PAGE}"
            assert browser.evaluate("document.querySelectorAll('ol.problems li .review-actions').length") == 2
            if width == 1400:
                browser.evaluate(f"document.getElementById('{problem['id']}').closest('li')"
                                 ".querySelector('button.rv-dismissed').click()")
                assert browser.evaluate("document.querySelector('dialog.review-dialog').open") is True
                assert browser.evaluate("document.getElementById('review-title').textContent") == \
                    f"误报：问题 #{problem['id'][:8]}"
                # no note: the dialog says so, nothing is posted
                browser.evaluate("document.querySelector('dialog .review-submit').click()")
                assert browser.evaluate("document.querySelector('.review-error').textContent") == "请写明为何是误报"
                assert not (out / "review.json").exists()
                browser.evaluate("document.querySelector('dialog textarea').value = '原件此处为合并单元格'")
                browser.events.clear()
                browser.evaluate("document.querySelector('dialog .review-submit').click()")
                browser.wait_for("Page.loadEventFired")
                assert browser.evaluate("location.hash") == f"#{problem['id']}"
                item = browser.evaluate(f"document.getElementById('{problem['id']}').closest('li').textContent")
                assert "误报：原件此处为合并单元格" in item and item.endswith("确认误报已更正撤销")
                assert browser.evaluate("document.querySelector('.review-said').textContent") == \
                    f"已记录：问题 #{problem['id'][:8]}（balance）误报。总览页的计数在下次运行 batch 时更新。"
                [record] = stored(out)["verdicts"]
                assert (record["problem"], record["verdict"], record["note"]) == \
                    (problem["id"], "dismissed", "原件此处为合并单元格")
                # the ✎ beside a value: corrected, and the page shows it with 已更正
                browser.evaluate(f"document.querySelector('td[data-key=\"{FIELD}\"] button.fix').click()")
                assert browser.evaluate("document.querySelector('dialog input[name=value]').value") == "3"
                browser.evaluate("document.querySelector('dialog input[name=value]').value = '2';"
                                 "document.querySelector('dialog textarea').value = '原件为2'")
                browser.events.clear()
                browser.evaluate("document.querySelector('dialog .review-submit').click()")
                browser.wait_for("Page.loadEventFired")
                cell = f"document.querySelector('td[data-key=\"{FIELD}\"]')"
                assert browser.evaluate(f"{cell}.className") == "v corrected"
                assert browser.evaluate(f"getComputedStyle({cell}, '::after').content") == '"已更正"'
                assert browser.evaluate("document.querySelector('.review-corrections li').textContent") == \
                    f"“四、结转下年度继续办理”“自然人”（{FIELD}）：2（原读数 3），依据：原件为2 撤销"
                assert [r["value"] for r in stored(out)["corrections"]] == [2]
            shot = browser.screenshot(tmp_path / f"served-{width}.png")
            assert shot.stat().st_size > 20_000
            if os.environ.get("REPORT_EXTRACT_SCREENSHOTS"):  # to look at them
                shutil.copy(shot, Path(os.environ["REPORT_EXTRACT_SCREENSHOTS"]) / shot.name)
        finally:
            browser.close()


@pytest.mark.skipif(find() is None, reason="chromium is not installed")
def test_in_a_browser_the_served_dashboard_runs_its_own_script_and_says_when_its_counts_change(served):
    browser = Chromium(find(), width=1400, height=900)
    try:
        assert browser.load(f"http://127.0.0.1:{served.port}/?token={served.token}")["errors"] == []
        assert browser.evaluate("document.getElementById('shown').textContent") == "显示 2 / 2"  # its filter ran
        assert "在下次运行 report-extract batch 时更新" in browser.evaluate("document.querySelector('.review-bar').textContent")
        assert browser.evaluate("document.querySelectorAll('button').length") == 0
    finally:
        browser.close()
