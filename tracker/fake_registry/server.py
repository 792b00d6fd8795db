"""A local ClinicalTrials.gov for tests and for trying the tool offline.

`FakeCtgov` serves a corpus of v2-shaped studies on 127.0.0.1 (an ephemeral port unless
told otherwise) from a daemon thread: `/api/v2/studies`, `/api/v2/studies/{nctId}` and
`/api/v2/version`. Tests change the data between calls (`put_study`, `remove_study`,
`set_data_timestamp`, `alias`), make paging unkind (`corpus.quirks`), inject one-shot
faults (`inject`), and count requests (`requests`). Bodies are gzip-compressed when the
client accepts it, as the real service does. `serve()` runs one in the foreground over a
directory of study files.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tracker.fake_registry.corpus import (
    DEFAULT_DATA_TIMESTAMP,
    BadRequest,
    Corpus,
    MovedTo,
    NotFound,
    _nct_id_of,
)
from tracker.fake_registry.faults import Fault, FaultKind, FaultQueue

log = logging.getLogger(__name__)

API_PREFIX = "/api/v2"
SHUTDOWN_POLL_INTERVAL = 0.02
"""Seconds between the serving loop's checks for `stop()`: tests stop servers often."""

Answer = tuple[int, bytes, dict[str, str]]


class FakeCtgov:
    """ClinicalTrials.gov API v2, in-process, with the faults of the real one on demand."""

    def __init__(
        self,
        studies: Iterable[Mapping[str, Any] | bytes] = (),
        *,
        data_timestamp: str = DEFAULT_DATA_TIMESTAMP,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.corpus = Corpus(studies, data_timestamp)
        self.faults = FaultQueue()
        self._address = (host, port)
        self._log: list[tuple[str, dict[str, str]]] = []
        self._log_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL to give the client, e.g. `http://127.0.0.1:41234/api/v2`."""
        if self._server is None:
            raise RuntimeError("the fake ClinicalTrials.gov is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{API_PREFIX}"

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        """Every request received so far, as (API path, query parameters)."""
        with self._log_lock:
            return list(self._log)

    def start(self) -> str:
        """Start serving in a daemon thread; return the base URL."""
        with self._lifecycle:
            if self._server is None:
                self._server = _Server(self._address, _Handler, self)
                self._thread = threading.Thread(
                    target=self._server.serve_forever,
                    kwargs={"poll_interval": SHUTDOWN_POLL_INTERVAL},
                    name="fake-ctgov",
                    daemon=True,
                )
                self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving and release the port."""
        with self._lifecycle:
            if self._server is None:
                return
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join()
            self._server, self._thread = None, None

    def wait(self) -> None:
        """Block until the server stops (or the process is interrupted)."""
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> FakeCtgov:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def put_study(self, raw: Mapping[str, Any]) -> str:
        """Add or replace a study (v2 JSON); return its NCT id."""
        return self.corpus.put(raw)

    def remove_study(self, nct_id: str) -> None:
        self.corpus.remove(nct_id)

    def set_data_timestamp(self, timestamp: str) -> None:
        """A data refresh: `/version` changes and page tokens issued before are refused."""
        self.corpus.data_timestamp = timestamp

    def alias(self, old_id: str, new_id: str) -> None:
        """Make `/studies/{old_id}` answer 301 to `/studies/{new_id}`."""
        self.corpus.alias(old_id, new_id)

    def inject(self, fault: Fault, times: int = 1) -> None:
        """Queue a fault for the next `times` requests its path pattern matches."""
        self.faults.add(fault, times)

    def record(self, api_path: str, params: dict[str, str]) -> None:
        with self._log_lock:
            self._log.append((api_path, params))

    def answer(self, api_path: str, params: Mapping[str, str], query: str) -> Answer:
        """The normal answer to a request, faults aside."""
        try:
            return 200, self._route(api_path, params), {"Content-Type": "application/json"}
        except BadRequest as exc:
            return _text(400, str(exc))
        except NotFound as exc:
            return _text(404, str(exc))
        except MovedTo as moved:
            location = f"{API_PREFIX}/studies/{moved.nct_id}" + (f"?{query}" if query else "")
            return 301, b"", {"Location": location}

    def _route(self, api_path: str, params: Mapping[str, str]) -> bytes:
        if api_path == "/studies":
            return self.corpus.page_body(params)
        if api_path.startswith("/studies/") and api_path.count("/") == 2:
            return self.corpus.study_body(api_path.removeprefix("/studies/"), params)
        if api_path == "/version":
            return json.dumps(self.corpus.version()).encode()
        raise NotFound(f"No such endpoint: {api_path}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], fake: FakeCtgov
    ) -> None:
        super().__init__(address, handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("fake ClinicalTrials.gov: connection from %s ended badly", client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeClinicalTrialsGov/1.0"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if not url.path.startswith(API_PREFIX + "/"):
            self._send(*_text(404, f"Not under {API_PREFIX}: {url.path}"))
            return
        api_path = url.path.removeprefix(API_PREFIX)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        fake = self.server.fake
        fake.record(api_path, params)
        fault = fake.faults.take(api_path, params)
        if fault is not None and self._play(fault):
            return
        answer = fake.answer(api_path, params, url.query)
        self._send(*answer, truncate=fault is not None and fault.kind is FaultKind.TRUNCATED)

    def _play(self, fault: Fault) -> bool:
        """Play what a fault does before or instead of the answer; True if nothing follows."""
        if fault.kind is FaultKind.SLOW:
            time.sleep(fault.seconds)
        elif fault.kind is FaultKind.DROP:
            self.close_connection = True
            return True
        elif fault.kind is FaultKind.STATUS:
            self._send(*_fault_answer(fault))
            return True
        return False

    def _send(
        self, status: int, body: bytes, headers: dict[str, str], truncate: bool = False
    ) -> None:
        if "gzip" in self.headers.get("Accept-Encoding", "") and len(body) > 0:
            body = gzip.compress(body)
            headers = {**headers, "Content-Encoding": "gzip"}
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if truncate else body)
        except ConnectionError:
            log.debug("fake ClinicalTrials.gov: the client went away")
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("fake ClinicalTrials.gov: " + format, *args)


def serve(
    corpus_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    on_ready: Callable[[FakeCtgov], None] | None = None,
) -> None:
    """Serve every `*.json` study file of `corpus_dir` until interrupted or stopped.

    `on_ready` receives the started server, e.g. to print `fake.url`.
    """
    fake = FakeCtgov(load_corpus(corpus_dir), host=host, port=port)
    fake.start()
    if on_ready is not None:
        on_ready(fake)
    try:
        fake.wait()
    finally:
        fake.stop()


class CorpusFileError(ValueError):
    """A file of the corpus folder is not JSON, or holds something that is not a study."""


def load_corpus(corpus_dir: Path) -> list[dict[str, Any]]:
    """Studies from a directory: files holding one study, a list, or a `/studies` page."""
    studies: list[dict[str, Any]] = []
    for path in sorted(corpus_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CorpusFileError(f"{path}: not a readable JSON file ({exc})") from None
        if isinstance(data, dict) and isinstance(data.get("studies"), list):
            found = data["studies"]
        else:
            found = data if isinstance(data, list) else [data]
        for study in found:
            try:
                _nct_id_of(study if isinstance(study, dict) else {})
            except ValueError as exc:
                raise CorpusFileError(f"{path}: not a study: {exc}") from None
        studies.extend(found)
    return studies


def _text(status: int, message: str) -> Answer:
    return status, message.encode(), {"Content-Type": "text/plain; charset=utf-8"}


def _fault_answer(fault: Fault) -> Answer:
    status, body, headers = _text(fault.status, fault.body)
    if fault.status == 200:
        headers = {"Content-Type": "application/json"}
    return status, body, {**headers, **dict(fault.headers)}
