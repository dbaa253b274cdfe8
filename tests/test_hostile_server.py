"""Hostile clients against a real ``wenping serve`` on a loopback port (raw sockets).

Slow and stalled clients do not lock the service out and are dropped after the
stated timeouts; one body limit holds however the body is framed; every request
the server refuses before Flask sees it is answered in Chinese problem+json.
Every exchange is bounded by a socket timeout, and each test ends by checking
that the service still answers.
"""

from __future__ import annotations

import io
import json
import socket
import urllib.request

import pytest

from .web_fixtures import SAMPLE_PATH, app_with, start_server, stop_server

LIMIT = 64 * 1024
TIMEOUT = 2  # WENPING_HEADER_TIMEOUT and WENPING_BODY_TIMEOUT for this server, seconds
BOUND = 5.0  # no exchange may take longer than this (socket timeout)
SLOW = 50


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(
        tmp_path_factory.mktemp("hostile-server"),
        "--workers", "2",
        env={"WENPING_MAX_BODY": "64K", "WENPING_HEADER_TIMEOUT": str(TIMEOUT), "WENPING_BODY_TIMEOUT": str(TIMEOUT)},
    )
    yield live
    stop_server(live)


def address(server) -> tuple[str, int]:
    host, port = server.url[len("http://"):].split(":")
    return host, int(port)


def exchange(server, raw: bytes, timeout: float = BOUND) -> tuple[int, dict, bytes]:
    """Send raw bytes, read the answer until the server closes (or the bound passes: AssertionError)."""
    with socket.create_connection(address(server), timeout=timeout) as sock:
        sock.sendall(raw)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> tuple[int, dict, bytes]:
    data = b""
    try:
        while True:
            piece = sock.recv(65536)
            if not piece:
                break
            data += piece
            if answer_complete(data):
                break
    except socket.timeout:
        raise AssertionError(f"no complete answer within {sock.gettimeout()} s: {data[:200]!r}") from None
    return parse_answer(data)


def answer_complete(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    status, headers, _ = parse_answer(head + sep)
    if status == 100:
        return answer_complete(body)
    return "content-length" in headers and len(body) >= int(headers["content-length"])


def parse_answer(data: bytes) -> tuple[int, dict, bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    if status == 100:
        return parse_answer(body)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def assert_problem(answer, status: int, *words: str) -> dict:
    code, headers, body = answer
    assert code == status, body[:300]
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body.decode("utf-8"))
    assert problem["status"] == status
    assert problem["type"].startswith("urn:wenping:problem:")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["title"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["detail"])
    for word in words:
        assert word in problem["detail"], problem["detail"]
    return problem


def assert_still_serving(server) -> None:
    with urllib.request.urlopen(server.url + "/healthz", timeout=BOUND) as response:
        assert response.status == 200


# ---------------------------------------------------------------- bodies


def case_json(size: int) -> bytes:
    """The sample case as JSON, padded with trailing spaces to exactly ``size`` bytes."""
    data = json.dumps(json.loads(SAMPLE_PATH.read_text(encoding="utf-8")), ensure_ascii=False).encode("utf-8")
    assert len(data) <= size
    return data + b" " * (size - len(data))


def chunked(body: bytes, piece: int = 10000) -> bytes:
    out = b""
    for start in range(0, len(body), piece):
        part = body[start : start + piece]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


BOUNDARY = "wenpingboundary"


def form_body(size: int) -> bytes:
    """A multipart form (只校验 with pasted case text) of exactly ``size`` bytes."""

    def build(text: bytes) -> bytes:
        return (
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nvalidate\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"case_text\"\r\n\r\n"
        ).encode() + text + f"\r\n--{BOUNDARY}--\r\n".encode()

    overhead = len(build(b""))
    return build(case_json(size - overhead))


def post(path: str, body: bytes, framing: str, content_type: str) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nConnection: close\r\n"
    if framing == "chunked":
        return head.encode() + b"Transfer-Encoding: chunked\r\n\r\n" + chunked(body)
    return head.encode() + b"Content-Length: %d\r\n\r\n" % len(body) + body


JSON = "application/json"
FORM = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_api_body_at_the_limit_is_accepted_and_over_it_refused(server, framing):
    status, _, body = exchange(server, post("/api/v1/validate", case_json(LIMIT), framing, JSON))
    assert status == 200, body[:300]
    assert json.loads(body)["valid"] is True
    answer = exchange(server, post("/api/v1/validate", case_json(LIMIT + 1), framing, JSON))
    assert_problem(answer, 413, "64 KB")
    assert_still_serving(server)


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_form_body_at_the_limit_is_accepted_and_over_it_refused(server, framing):
    status, headers, body = exchange(server, post("/", form_body(LIMIT), framing, FORM))
    assert status == 200, body[:300]
    assert "风险" in body.decode("utf-8")
    status, headers, body = exchange(server, post("/", form_body(LIMIT + 1), framing, FORM))
    assert status == 413
    assert headers["content-type"].startswith("text/html")
    assert "请求内容超过服务允许的上限（64 KB）" in body.decode("utf-8")
    assert_still_serving(server)


def test_a_body_far_over_the_limit_is_refused_without_waiting_for_it(server):
    with socket.create_connection(address(server), timeout=BOUND) as sock:
        sock.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % (LIMIT * 2) + b"x" * (LIMIT + 10))
        assert_problem(read_answer(sock), 413)
    assert_still_serving(server)


# ---------------------------------------------------------------- slow and stalled clients


def test_slow_clients_do_not_lock_the_service_out(server):
    """50 slow connections (headers dribbled, bodies stalled): /healthz still answers within 1 s."""
    conns = []
    try:
        for i in range(SLOW):
            sock = socket.create_connection(address(server), timeout=BOUND)
            conns.append(sock)
            if i % 2:
                sock.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
            else:
                sock.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 100\r\n\r\n{\"a\": 1")
        for sock in conns[1::2]:
            sock.sendall(b"X-Slower: 2\r\n")  # still dribbling
        for _ in range(3):
            with urllib.request.urlopen(server.url + "/healthz", timeout=1) as response:
                assert response.status == 200
    finally:
        for sock in conns:
            sock.close()


def test_a_stalled_head_is_dropped_with_408(server):
    with socket.create_connection(address(server), timeout=BOUND) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
        assert_problem(read_answer(sock), 408, f"{TIMEOUT} 秒")
        assert sock.recv(100) == b""  # and the connection is closed
    assert_still_serving(server)


def test_a_stalled_body_is_dropped_with_408(server):
    with socket.create_connection(address(server), timeout=BOUND) as sock:
        sock.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"a\": 1")
        assert_problem(read_answer(sock), 408, f"{TIMEOUT} 秒")
        assert sock.recv(100) == b""
    assert_still_serving(server)


def test_a_silent_connection_is_closed(server):
    with socket.create_connection(address(server), timeout=BOUND) as sock:
        assert sock.recv(100) == b""  # closed after the header timeout, nothing to answer
    assert_still_serving(server)


def test_keep_alive_and_pipelined_requests_are_served(server):
    one = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(address(server), timeout=BOUND) as sock:
        sock.sendall(one)
        assert read_answer(sock)[0] == 200
        sock.sendall(one + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while piece := sock.recv(65536):
            data += piece
        assert data.count(b"HTTP/1.1 200 OK") == 2


# ---------------------------------------------------------------- malformed requests


MALFORMED = {
    "content-length-and-chunked": (
        b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400, ("Content-Length",),
    ),
    "negative-content-length": (b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, ("Content-Length",)),
    "invalid-chunk-size": (
        b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        400, ("chunked",),
    ),
    "uri-too-long": (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, ("4094",)),
    "uri-far-too-long": (b"GET /" + b"a" * 70000, 414, ("4094",)),
    "too-many-headers": (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(120)) + b"\r\n",
        431, ("100",),
    ),
    "header-too-large": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431, ("8190",)),
    "bad-request-line": (b"GARBAGE\r\n\r\n", 400, ("GARBAGE",)),
    "unsupported-http-version": (b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505, ("2.0",)),
    "unknown-expectation": (
        b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nExpect: wonders\r\nContent-Length: 2\r\n\r\n{}", 417, ("wonders",),
    ),
    "bad-header-name": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400, ("请求头",)),
    "missing-host": (b"GET /healthz HTTP/1.1\r\n\r\n", 400, ("Host",)),
    "unsupported-transfer-coding": (
        b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, ("gzip",),
    ),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_requests_get_chinese_problems(server, name):
    raw, status, words = MALFORMED[name]
    assert_problem(exchange(server, raw), status, *words)
    assert_still_serving(server)


@pytest.mark.parametrize("path, make, content_type", [("/api/v1/validate", case_json, JSON), ("/", form_body, FORM)])
def test_the_app_alone_keeps_one_limit_for_a_body_without_length(path, make, content_type):
    """Under a WSGI server that passes a chunked body on as is (no Content-Length, input terminated)."""
    client = app_with(MAX_CONTENT_LENGTH=LIMIT).test_client()
    for size, status in ((LIMIT, 200), (LIMIT + 1, 413)):
        response = client.post(
            path,
            input_stream=io.BytesIO(make(size)),
            headers={"Content-Type": content_type},
            environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
        )
        assert response.status_code == status, response.get_data()[:300]
