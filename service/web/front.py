"""The gunicorn worker ``wenping serve`` runs: gthread, with every request read by the event loop.

gunicorn's gthread worker hands a connection to a thread as soon as its first
byte arrives; the thread then blocks on the socket until the whole request head
and body have come in (gunicorn 27, ``workers/gthread.py`` ``handle`` →
``next(conn.parser)``). A few clients that dribble their headers, or announce a
body and stall, hold every thread and lock everyone else out.

:class:`FrontWorker` keeps gthread's threads, process model and graceful stop,
but reads each request — head and body — in the worker's own event loop (the
selector that already accepts connections), without a thread. A thread gets a
request only once it is complete and in memory, so it never waits on a client
while reading; its socket carries a timeout for writing the answer. Limits:

- the request head must be complete within ``header_timeout`` seconds of its
  first byte (and of the connection, for a new one); a body may pause at most
  ``body_timeout`` seconds; else 408 and the connection is dropped;
- a head larger than :data:`MAX_HEAD` → 431; gunicorn's own limits (request
  line, header count and size) still apply and are checked here, before any thread;
- a body larger than ``max_body``, however it is framed: the application is
  handed the head alone with that length, so it answers its own 413 (the form's
  page for a browser, problem+json elsewhere); a chunked body within the limit
  is handed over de-chunked, with its ``Content-Length``: the application sees
  one framing.

Framing is h11's (a small, well-kept HTTP/1.1 state machine); every head is also
parsed by gunicorn's own parser, so what gunicorn would refuse is refused here.
Every rejection is Chinese ``application/problem+json`` (:func:`client_problem`).
"""

from __future__ import annotations

import errno
import json
import selectors
import socket
import time
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from typing import Optional

import h11
from gunicorn import http as gunicorn_http
from gunicorn import util
from gunicorn.http import errors as gunicorn_errors
from gunicorn.http.message import Request as GunicornRequest
from gunicorn.http.unreader import IterUnreader
from gunicorn.workers.gthread import TConn, ThreadWorker

from service.web.problems import INTERNAL_DETAIL, PROBLEM_JSON, ApiProblem, human_size

# The whole request head (request line and headers) is held in memory while it arrives.
MAX_HEAD = 64 * 1024
RECV_SIZE = 256 * 1024
# After the last answer on a connection: how long to read and discard what the
# client still sends, so that closing does not reset the answer away (RFC 9112 §9.6).
LINGER = 2.0
# gunicorn's per-worker connection cap (its default): past it the worker stops accepting.
MAX_CONNECTIONS = 1000


@dataclass(frozen=True)
class FrontLimits:
    max_body: int
    header_timeout: float
    body_timeout: float


def front_worker(limits: FrontLimits) -> type["FrontWorker"]:
    """The worker class for gunicorn's ``worker_class``, carrying ``limits``."""
    return type("WenpingWorker", (FrontWorker,), {"limits": limits})


# ---------------------------------------------------------------- answers


def problem_bytes(problem: ApiProblem) -> bytes:
    """A whole HTTP/1.1 answer carrying ``problem``; the connection closes after it."""
    body = (json.dumps(problem.body(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    try:
        reason = HTTPStatus(problem.status).phrase
    except ValueError:
        reason = "Error"
    head = (
        f"HTTP/1.1 {problem.status} {reason}\r\n"
        f"Content-Type: {PROBLEM_JSON}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def _shown(value: object, limit: int = 80) -> str:
    text = value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def client_problem(exc: BaseException, cfg) -> Optional[ApiProblem]:
    """The Chinese problem for a malformed request gunicorn's parser refused; None if not the client's fault."""
    e = gunicorn_errors
    if isinstance(exc, e.LimitRequestLine):
        return ApiProblem(414, f"请求行（方法、地址和版本）有 {exc.size} 个字节，超过上限 {exc.max_size} 个字节")
    if isinstance(exc, e.LimitRequestHeaders):
        if "size" in str(exc):
            return ApiProblem(431, f"有请求头超过 {cfg.limit_request_field_size} 个字节的上限")
        return ApiProblem(431, f"请求头超过 {cfg.limit_request_fields} 个的上限")
    if isinstance(exc, e.InvalidHTTPVersion):
        version = exc.version
        if isinstance(version, tuple):
            version = ".".join(str(part) for part in version)
        return ApiProblem(505, f"不支持的 HTTP 版本：{_shown(version)}；本服务只支持 HTTP/1.0 和 HTTP/1.1")
    if isinstance(exc, e.InvalidRequestLine):
        return ApiProblem(400, f"请求行格式不正确：{_shown(exc.req)}")
    if isinstance(exc, e.InvalidRequestMethod):
        return ApiProblem(400, f"请求方法无效：{_shown(exc.method)}")
    if isinstance(exc, e.InvalidHeader) and str(exc.hdr).lower() == "content-length":
        return ApiProblem(
            400,
            "请求头 Content-Length 无效：它必须是一个非负整数、只出现一次，且不能与 Transfer-Encoding 同时使用",
        )
    if isinstance(exc, e.InvalidHeader):
        return ApiProblem(400, f"请求头无效：{_shown(exc.hdr)}")
    if isinstance(exc, e.InvalidHeaderName):
        return ApiProblem(400, f"请求头名称无效：{_shown(exc.hdr)}")
    if isinstance(exc, e.ObsoleteFolding):
        return ApiProblem(400, f"请求头不能折行续写：{_shown(exc.hdr)}")
    if isinstance(exc, e.UnsupportedTransferCoding):
        return ApiProblem(501, f"不支持的传输编码（Transfer-Encoding）：{_shown(exc.hdr)}；只支持 chunked")
    if isinstance(exc, (e.InvalidChunkSize, e.ChunkMissingTerminator, e.InvalidChunkExtension)):
        return ApiProblem(400, "分块传输（Transfer-Encoding: chunked）的格式不正确，无法读取请求内容")
    if isinstance(exc, e.ExpectationFailed):
        return ApiProblem(417, f"无法满足请求头 Expect 的要求：{_shown(exc.expect)}；只支持 100-continue")
    if isinstance(exc, e.InvalidSchemeHeaders):
        return ApiProblem(400, "请求头中表示协议（http/https）的几个字段互相矛盾")
    if isinstance(exc, (e.ParseException, ValueError)):
        return ApiProblem(400, "请求格式不正确，无法处理")
    return None


def h11_problem(exc: h11.RemoteProtocolError, state: "Reading") -> ApiProblem:
    """What h11 refused and gunicorn's parser did not name."""
    if state.head is not None:
        return ApiProblem(400, "分块传输（Transfer-Encoding: chunked）的格式不正确，无法读取请求内容")
    if exc.error_status_hint == 431:
        return ApiProblem(431, f"请求行和请求头合计超过 {human_size(MAX_HEAD)} 的上限")
    if "Transfer-Encoding" in str(exc):
        coding = _header_line(state.raw, b"transfer-encoding")
        return ApiProblem(501, f"不支持的传输编码（Transfer-Encoding）：{_shown(coding)}；只支持 chunked")
    if "Host" in str(exc):
        return ApiProblem(400, "HTTP/1.1 请求必须带且只带一个 Host 请求头")
    first_line = bytes(state.raw).split(b"\n", 1)[0].rstrip(b"\r")
    return ApiProblem(400, f"请求格式不正确，无法处理；请求行：{_shown(first_line)}")


def _header_line(raw: bytes, name: bytes) -> bytes:
    """The value of header ``name`` in a raw head (the first one), for messages."""
    for line in bytes(raw).split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return b""


def timeout_problem(state: "Reading", limits: FrontLimits) -> ApiProblem:
    if state.head is None:
        detail = f"请求头没有在 {limits.header_timeout:g} 秒内传完，连接已断开"
    else:
        detail = f"请求内容停顿超过 {limits.body_timeout:g} 秒，连接已断开"
    return ApiProblem(408, detail)


# ---------------------------------------------------------------- reading


class Reading:
    """A request the event loop is reading: its raw bytes so far and h11's view of them."""

    def __init__(self, conn: TConn, deadline: float) -> None:
        self.conn = conn
        self.deadline = deadline
        self.framing = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        self.raw = bytearray()  # everything received for this request
        self.head: Optional[h11.Request] = None
        self.head_size = 0
        self.body = bytearray()  # the de-chunked body of a chunked request
        self.body_size = 0
        self.chunked = False


def _header(head: h11.Request, name: bytes) -> Optional[bytes]:
    for key, value in head.headers:
        if key == name:
            return value
    return None


def rebuild_head(raw_head: bytes, length: int, close: bool = False) -> bytes:
    """The head as received, its framing (and Expect, already answered) replaced by ``Content-Length``."""
    lines = raw_head.split(b"\r\n")
    dropped = (b"content-length", b"transfer-encoding", b"expect") + ((b"connection",) if close else ())
    kept = [lines[0]] + [
        line for line in lines[1:] if line and line.split(b":", 1)[0].strip().lower() not in dropped
    ]
    kept.append(b"Content-Length: %d" % length)
    if close:
        kept.append(b"Connection: close")
    return b"\r\n".join(kept) + b"\r\n\r\n"


class FrontWorker(ThreadWorker):
    """gthread whose event loop reads whole requests before a thread sees them (see the module)."""

    limits: FrontLimits

    def init_process(self) -> None:
        self.reading: dict[TConn, Reading] = {}
        self.lingering: dict[TConn, float] = {}
        self.seeds: dict[TConn, bytes] = {}  # bytes pipelined behind a request, read with the next one
        super().init_process()

    # -- the event loop (main thread)

    def accept(self, listener) -> None:
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())
        self.read_request(conn, b"", wait=self.limits.header_timeout)

    def read_request(self, conn: TConn, seed: bytes, wait: float) -> None:
        """Read the next request on ``conn`` without a thread; ``wait`` for its first byte."""
        conn.sock.setblocking(False)
        state = Reading(conn, time.monotonic() + wait)
        self.reading[conn] = state
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_request_bytes, state))
        if seed:
            self.feed(state, seed)

    def on_request_bytes(self, state: Reading, _sock) -> None:
        try:
            data = state.conn.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away mid-request: nobody to answer
            self.drop(state.conn)
            return
        self.feed(state, data)

    def feed(self, state: Reading, data: bytes) -> None:
        now = time.monotonic()
        if not state.raw:  # the first byte of this request starts its head's clock
            state.deadline = now + self.limits.header_timeout
        state.raw += data
        state.framing.receive_data(data)
        try:
            while True:
                event = state.framing.next_event()
                if event is h11.NEED_DATA:
                    break
                if isinstance(event, h11.Request):
                    if not self.on_head(state, event):
                        return
                elif isinstance(event, h11.Data):
                    state.body_size += len(event.data)
                    if state.body_size > self.limits.max_body:
                        self.hand_over_too_large(state)
                        return
                    if state.chunked:
                        state.body += event.data
                elif isinstance(event, h11.EndOfMessage):
                    self.hand_over(state)
                    return
        except h11.RemoteProtocolError as exc:
            self.reject(state, self.gunicorn_refusal(state) or h11_problem(exc, state))
            return
        if state.head is not None:  # a body may pause at most body_timeout
            state.deadline = now + self.limits.body_timeout

    def gunicorn_refusal(self, state: Reading) -> Optional[ApiProblem]:
        """What gunicorn's own parser says of this head (limits, version, CL with chunked…); None if fine."""
        try:
            GunicornRequest(self.cfg, IterUnreader([bytes(state.raw)]), state.conn.client, 1)
        except gunicorn_errors.NoMoreData:
            return None
        except Exception as exc:  # its parse errors, named by client_problem
            return client_problem(exc, self.cfg) or ApiProblem(400, "请求格式不正确，无法处理")
        return None

    def on_head(self, state: Reading, head: h11.Request) -> bool:
        refusal = self.gunicorn_refusal(state)
        if refusal is not None:
            self.reject(state, refusal)
            return False
        state.head = head
        state.head_size = bytes(state.raw).find(b"\r\n\r\n") + 4
        state.chunked = _header(head, b"transfer-encoding") is not None
        length = _header(head, b"content-length")
        if length is not None and int(length) > self.limits.max_body:
            self.hand_over_too_large(state)
            return False
        if (_header(head, b"expect") or b"").lower() == b"100-continue":
            self.send(state.conn, b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def hand_over(self, state: Reading) -> None:
        """A complete request: to a thread, as one framing (Content-Length) and without Expect."""
        raw = bytes(state.raw)
        trailing = bytes(state.framing.trailing_data[0])
        if state.head_size < 4:  # a head h11 took but not CRLF-terminated: gunicorn's parser judges it as is
            payload = raw[: len(raw) - len(trailing)]
        elif state.chunked:
            payload = rebuild_head(raw[: state.head_size], len(state.body)) + bytes(state.body)
        elif _header(state.head, b"expect") is not None:
            payload = rebuild_head(raw[: state.head_size], state.body_size) + raw[state.head_size : len(raw) - len(trailing)]
        else:
            payload = raw[: len(raw) - len(trailing)]
        self.seeds[state.conn] = trailing
        self.to_thread(state, payload)

    def hand_over_too_large(self, state: Reading) -> None:
        """Over the body limit: the application gets the head alone, with a length over the limit,
        and answers its own 413 (the form's page for a browser); the connection closes after it."""
        length = _header(state.head, b"content-length") if state.head is not None else None
        announced = int(length) if length is not None else self.limits.max_body + 1
        head_size = state.head_size if state.head_size >= 4 else len(state.raw)
        self.seeds[state.conn] = b""
        self.to_thread(state, rebuild_head(bytes(state.raw[:head_size]), announced, close=True))

    def to_thread(self, state: Reading, payload: bytes) -> None:
        conn = state.conn
        del self.reading[conn]
        self.poller.unregister(conn.sock)
        if conn.parser is None:
            conn.parser = gunicorn_http.get_parser(self.cfg, conn.sock, conn.client)
            conn.initialized = True
        conn.parser.unreader.unread(payload)
        conn.data_ready = True
        self.enqueue_req(conn)

    def reject(self, state: Reading, problem: ApiProblem) -> None:
        self.log.warning("Invalid request from ip=%s: %s %s", state.conn.client[0] if state.conn.client else "", problem.status, problem.detail)
        del self.reading[state.conn]
        self.poller.unregister(state.conn.sock)
        self.send(state.conn, problem_bytes(problem))
        self.linger(state.conn)

    @staticmethod
    def send(conn: TConn, data: bytes) -> None:
        """A short answer from the event loop: what the socket takes now (it is small; never waits)."""
        try:
            conn.sock.send(data)
        except OSError:
            pass

    def linger(self, conn: TConn) -> None:
        """Close after the answer: send FIN, read and discard until the client closes, LINGER at most."""
        self.seeds.pop(conn, None)
        try:
            conn.sock.setblocking(False)
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self.drop(conn)
            return
        self.lingering[conn] = time.monotonic() + LINGER
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_linger_bytes, conn))

    def on_linger_bytes(self, conn: TConn, _sock) -> None:
        try:
            data = conn.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.drop(conn)

    def drop(self, conn: TConn) -> None:
        self.reading.pop(conn, None)
        self.lingering.pop(conn, None)
        self.seeds.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        self.nr_conns -= 1
        util.close(conn.sock)

    def murder_pending(self) -> None:
        """Each turn of the loop: stalled requests get 408, idle and lingering connections close."""
        super().murder_pending()
        now = time.monotonic()
        for conn, state in list(self.reading.items()):
            if not state.raw and (state.deadline <= now or not self.alive):
                self.drop(conn)  # idle (kept alive, or connected and silent): nothing to answer
            elif state.deadline <= now:
                self.reject(state, timeout_problem(state, self.limits))
        for conn, deadline in list(self.lingering.items()):
            if deadline <= now:
                self.drop(conn)

    def finish_request(self, conn: TConn, fs) -> None:
        """A thread is done with a request: read the next one on the loop, or close."""
        try:
            keep = bool(not fs.cancelled() and fs.result())
        except Exception:
            keep = False
        if keep and self.alive and not conn.parser.unreader.buf.getvalue():
            self.read_request(conn, self.seeds.pop(conn, b""), wait=self.cfg.keepalive)
        else:
            self.linger(conn)

    # -- a thread

    def handle(self, conn: TConn):
        """Serve one complete, buffered request; the socket only ever waits ``body_timeout`` (writing)."""
        req = None
        try:
            conn.sock.settimeout(self.limits.body_timeout)
            req = next(conn.parser)
            if not req:
                return False
            return self._keepalive_after(conn, self.handle_request(req, conn))
        except (gunicorn_http.errors.NoMoreData, StopIteration, TimeoutError) as exc:
            self.log.debug("Closing connection: %r", exc)
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
        except Exception as exc:
            self.handle_error(req, conn.sock, conn.client, exc)
        return False

    def handle_error(self, req, client, addr, exc) -> None:
        """gunicorn's error page, in Chinese problem+json (it would be English HTML)."""
        problem = client_problem(exc, self.cfg)
        if problem is None:
            self.log.exception("Error handling request")
            problem = ApiProblem(500, INTERNAL_DETAIL)
        else:
            self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            util.write(client, problem_bytes(problem))
        except Exception:
            self.log.debug("Failed to send the error answer")
