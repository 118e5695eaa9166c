# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
A loopback-only Hugging Face Hub for the tests (not shipped: no HTTP server is part of `lugpi_hf`): the real
clients talk to it over HTTP. No pip-installable server accepts real uploads offline (`hf-local-hub` does not speak
huggingface_hub's upload protocol, `olah` is a read-only mirror), hence this one.

[`LocalHub`] serves the part of the Hub HTTP API that the tests' clients use to push and pull model and dataset
repos: `create_repo`, `create_commit` / `upload_folder` / `push_to_hub`, `model_info` / `dataset_info`,
`list_repo_files` / `list_repo_tree`, `hf_hub_download`, `snapshot_download`, `HfFileSystem` globbing,
`from_pretrained` (remote code included) and `load_dataset`. Branches, refs, commit listings, `paths-info` and
`whoami` are not served: no test uses them. It needs only the standard library and `huggingface_hub`, binds to
127.0.0.1 on a free port, keeps its files in a directory, and stops when its `with` block ends.

Files follow the Hub's git semantics: blob ids are git SHA-1s (`huggingface_hub.utils.sha.git_hash`), every
commit has an id and a parent, `main` points at the last commit, and unknown repos, revisions and files get 404
answers with the Hub's `X-Error-Code`, so the clients raise their usual `RepositoryNotFoundError`,
`RevisionNotFoundError` and `EntryNotFoundError`. Like the Hub, the preupload endpoint sends files matching the
`filter=lfs` patterns of the repo's `.gitattributes` (weights, Parquet shards) and files over 10 MB through git LFS
("basic" transfer: one PUT to this server), and the rest inline, base64 in the commit request. `datasets` needs
the LFS path: it deletes each Parquet shard once its LFS upload is done. Xet is not served: clients must run with
`HF_HUB_DISABLE_XET=1`.

The clients read `HF_ENDPOINT`, `HF_TOKEN`, `HF_HUB_DISABLE_XET` and the offline flags once, at import time, and copy
the endpoint into several module constants, so patching them in a running process is not reliable. Run client code
in a subprocess whose environment comes from [`hub_env`] (or [`LocalHub.env`]). That environment also makes this
server the client's HTTP(S) proxy: requests for the Hub are answered, the dataset viewer (which `load_dataset` asks
for exported Parquet files) answers "not found" as it does for a freshly pushed dataset, and any other request is
refused and recorded in [`LocalHub.refused`], so a client that honours the proxy variables (httpx, as the three
clients use, requests, urllib) reaches no other host, not even through a DNS lookup.

Example:

```python
>>> import subprocess, sys
>>> from hub_server import LocalHub  # tests/ is on sys.path under pytest

>>> with LocalHub(tmp_path / "hub") as hub:
...     code = "from lugpi_hf.testing import get_tiny_student; get_tiny_student().push_to_hub('me/tiny')"
...     subprocess.run([sys.executable, "-c", code], env=hub.env(tmp_path / "hf-home"), check=True)
...     hub.list_files("me/tiny")
['.gitattributes', 'README.md', 'config.json', 'model.safetensors']
```
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fnmatch import fnmatch
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import parse_qs, unquote, urlsplit

from huggingface_hub.utils.sha import git_hash


logger = logging.getLogger(__name__)

DEFAULT_USER = "lugpi-tester"
DUMMY_TOKEN = "hf_lugpi_local_test_hub_token"
LFS_THRESHOLD = 10 * 1024 * 1024  # the Hub stores bigger files in LFS whatever their name
REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
URL_PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/"}

# What the Hub writes in a new repo's first commit (abridged): clients may read or keep it.
_GITATTRIBUTES = b"""*.arrow filter=lfs diff=lfs merge=lfs -text
*.bin filter=lfs diff=lfs merge=lfs -text
*.parquet filter=lfs diff=lfs merge=lfs -text
*.pt filter=lfs diff=lfs merge=lfs -text
*.safetensors filter=lfs diff=lfs merge=lfs -text
"""
# Variables of a parent process (e.g. the test suite) that would send a client elsewhere than this server.
_ENV_TO_CLEAR = ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HUGGINGFACE_CO_STAGING")
# Cache locations that would win over a fresh `HF_HOME`.
_CACHE_VARIABLES = (
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "HF_ASSETS_CACHE",
    "HF_DATASETS_CACHE",
    "HF_MODULES_CACHE",
    "HF_XET_CACHE",
    "TRANSFORMERS_CACHE",
)


def hub_env(
    endpoint: str,
    hf_home: str | os.PathLike | None = None,
    token: str = DUMMY_TOKEN,
    base: dict[str, str] | None = None,
) -> dict[str, str]:
    """
    The environment for a client process that must talk to the local Hub at `endpoint`.

    Args:
        endpoint (`str`):
            The server's URL, [`LocalHub.endpoint`].
        hf_home (`str` or `os.PathLike`, *optional*):
            `HF_HOME` of the client (its Hub, datasets and remote-code caches). Give each client run a fresh one so
            that nothing is served from a cache filled by an earlier run.
        token (`str`, *optional*, defaults to a dummy token):
            Any non-empty token: the local Hub accepts every token and needs one for writes, as the Hub does.
        base (`dict[str, str]`, *optional*, defaults to `os.environ`):
            The environment to start from.

    Returns:
        `dict[str, str]`: `base` with the Hub variables set, the offline flags off and every HTTP(S) proxy pointing at
        the local Hub (see the module docstring).
    """
    env = dict(os.environ if base is None else base)
    for name in _ENV_TO_CLEAR:
        env.pop(name, None)
    env.update(
        {
            "HF_ENDPOINT": endpoint,
            "HF_TOKEN": token,
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_OFFLINE": "0",
            "HF_DATASETS_OFFLINE": "0",
            "TRANSFORMERS_OFFLINE": "0",
            # Telemetry: `load_dataset` would otherwise ping an S3 bucket to count downloads.
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_UPDATE_DOWNLOAD_COUNTS": "0",
        }
    )
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env[name] = endpoint
    if hf_home is not None:
        for name in _CACHE_VARIABLES:
            env.pop(name, None)
        env["HF_HOME"] = str(hf_home)
    return env


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _lfs_pointer(sha256: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


class HubError(Exception):
    """An HTTP error answer, with the `X-Error-Code` the clients turn into their own exceptions."""

    def __init__(self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, headers or {}


@dataclass
class _Entry:
    blob_id: str  # git blob id of the content, or of the LFS pointer file for an LFS file
    size: int
    last_commit: str
    sha256: str | None = None  # set for LFS files

    @property
    def etag(self) -> str:
        # The Hub's ETag: the git blob id of a regular file, the sha256 of an LFS file's content.
        return self.sha256 or self.blob_id


@dataclass
class _Commit:
    oid: str
    parent: str | None
    title: str
    message: str
    date: str
    files: dict[str, _Entry]


@dataclass
class _Repo:
    repo_type: str
    repo_id: str
    private: bool
    created_at: str
    commits: dict[str, _Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)

    @property
    def url_path(self) -> str:
        return URL_PREFIXES[self.repo_type] + self.repo_id


class HubStore:
    """
    Repos, commits and branches in memory; file contents on disk, content-addressed: regular files under
    `root/blobs/<git blob id>`, LFS files under `root/lfs/<sha256>`.
    """

    def __init__(self, root: str | os.PathLike, user: str = DEFAULT_USER):
        self.root = Path(root)
        for kind in ("blobs", "lfs"):
            (self.root / kind).mkdir(parents=True, exist_ok=True)
        self.user = user
        self.repos: dict[tuple[str, str], _Repo] = {}
        self.lock = threading.RLock()
        self._counter = 0

    # Contents
    def _write(self, kind: str, name: str, data: bytes) -> None:
        path = self.root / kind / name
        if not path.exists():
            tmp = path.with_name(f"{name}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)

    def put_blob(self, data: bytes) -> str:
        blob_id = git_hash(data)
        self._write("blobs", blob_id, data)
        return blob_id

    def put_lfs(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        self._write("lfs", sha256, data)
        return sha256

    def has_lfs(self, sha256: str) -> bool:
        return (self.root / "lfs" / sha256).is_file()

    def read(self, entry: _Entry) -> bytes:
        return (self.root / "lfs" / entry.sha256 if entry.sha256 else self.root / "blobs" / entry.blob_id).read_bytes()

    def upload_mode(self, commit: _Commit, path: str, size: int) -> str:
        """`"lfs"` for big files and for the `filter=lfs` patterns of the repo's `.gitattributes`, as on the Hub."""
        if size >= LFS_THRESHOLD:
            return "lfs"
        gitattributes = commit.files.get(".gitattributes")
        lines = self.read(gitattributes).decode(errors="replace").splitlines() if gitattributes else []
        for line in lines:
            pattern, *attributes = line.split() or [""]
            if "filter=lfs" in attributes and fnmatch(path if "/" in pattern else path.rsplit("/", 1)[-1], pattern):
                return "lfs"
        return "regular"

    # Repos
    def create_repo(self, repo_type: str, repo_id: str, private: bool = False) -> _Repo:
        with self.lock:
            if (repo_type, repo_id) in self.repos:
                raise HubError(409, f"You already created this {repo_type} repo: {repo_id}")
            repo = _Repo(repo_type, repo_id, private, _now())
            self.repos[(repo_type, repo_id)] = repo
            self._commit(repo, None, {".gitattributes": _GITATTRIBUTES}, [], "initial commit", "")
            return repo

    def get_repo(self, repo_type: str, repo_id: str) -> _Repo:
        repo = self.repos.get((repo_type, repo_id))
        if repo is None:
            raise HubError(404, "Repository not found", code="RepoNotFound")
        return repo

    def resolve(self, repo: _Repo, revision: str) -> _Commit:
        """The commit a branch name or a full commit id points at."""
        with self.lock:
            oid = repo.branches.get(revision, revision)
            if oid not in repo.commits:
                raise HubError(404, f"Invalid rev id: {revision}", code="RevisionNotFound")
            return repo.commits[oid]

    def commit(
        self,
        repo: _Repo,
        branch: str,
        additions: dict[str, bytes | str],
        deletions: list[tuple[str, bool]],
        title: str,
        message: str,
        parent_commit: str | None = None,
    ) -> _Commit:
        """
        Apply `additions` and `deletions` on top of `branch`. An addition maps a path to its content (`bytes`) or to
        the sha256 (`str`) of an LFS object uploaded before; a deletion is a `(path, is_folder)` pair.
        """
        with self.lock:
            if branch not in repo.branches:
                raise HubError(404, f"Invalid rev id: {branch}", code="RevisionNotFound")
            if parent_commit is not None and repo.branches[branch] != parent_commit:
                raise HubError(412, "A commit has happened since. Please refresh and try again.")
            for path, content in additions.items():
                if isinstance(content, str) and not self.has_lfs(content):
                    raise HubError(422, f"LFS object {content} of {path} was never uploaded.")
            return self._commit(repo, branch, additions, deletions, title, message)

    def _commit(self, repo, branch, additions, deletions, title, message) -> _Commit:
        parent = repo.commits[repo.branches[branch]] if branch else None
        files = dict(parent.files) if parent else {}
        for path, is_folder in deletions:
            if is_folder:
                doomed = [p for p in files if p.startswith(path.rstrip("/") + "/")]
            else:
                doomed = [path] if path in files else []
            if not doomed:
                raise HubError(404, f"A file with this name doesn't exist: {path}", code="EntryNotFound")
            for doomed_path in doomed:
                del files[doomed_path]
        self._counter += 1
        seed = json.dumps([parent and parent.oid, sorted(additions), title, time.time_ns(), self._counter])
        oid = hashlib.sha1(seed.encode()).hexdigest()
        for path, content in additions.items():
            if isinstance(content, str):
                size = (self.root / "lfs" / content).stat().st_size
                entry = _Entry(self.put_blob(_lfs_pointer(content, size)), size, oid, sha256=content)
            else:
                entry = _Entry(self.put_blob(content), len(content), oid)
            previous = files.get(path)
            # An unchanged file keeps the commit that last changed it (the tree's `lastCommit`).
            files[path] = previous if previous is not None and previous.etag == entry.etag else entry
        commit = _Commit(oid, parent and parent.oid, title, message, _now(), files)
        repo.commits[oid] = commit
        repo.branches[branch or "main"] = oid
        return commit


def _folder_id(commit: _Commit, folder: str) -> str:
    prefix = folder + "/"
    listing = sorted((p, e.blob_id) for p, e in commit.files.items() if p.startswith(prefix))
    return hashlib.sha1(json.dumps(listing).encode()).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LugpiLocalHub/1.0"
    timeout = 120
    server: _Server

    # Plumbing
    def log_message(self, format, *args):
        logger.debug("local hub: " + format, *args)

    def do_GET(self):
        self._dispatch("GET")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_CONNECT(self):
        # An HTTPS request through the proxy variables of `hub_env`: the local Hub speaks HTTP only.
        self.server.hub.requests.append(f"CONNECT {self.path}")
        self.server.hub.refused.append(f"CONNECT {self.path}")
        self._send_error(HubError(403, f"The local test hub allows no network access (CONNECT {self.path})."))

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                chunk = self.rfile.read(size + 2)[:size]
                if size == 0:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, length: int | None = None):
        self.send_response(status)
        headers = {"Content-Type": "application/json", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, payload, status: int = 200, headers: dict[str, str] | None = None):
        self._send(status, json.dumps(payload).encode(), headers)

    def _send_error(self, error: HubError):
        headers = {"X-Error-Message": error.message, **error.headers}
        if error.code:
            headers["X-Error-Code"] = error.code
        self._json({"error": error.message}, error.status, headers)

    def _dispatch(self, method: str):
        hub = self.server.hub
        url = urlsplit(self.path)
        # Through the proxy variables of `hub_env`, clients send absolute URLs; the Host header says the same.
        host = url.netloc or self.headers.get("Host", "")
        try:
            body = self._body()
            hub.requests.append(f"{method} {self.path}")
            if host not in hub.hosts:
                if host.split(":")[0].startswith("datasets-server."):
                    raise HubError(404, "The dataset viewer has not processed this dataset (local test hub).")
                hub.refused.append(f"{method} {self.path}")
                raise HubError(403, f"The local test hub allows no network access ({method} {self.path}).")
            segments = [unquote(s) for s in url.path.split("/")[1:]]
            self._route(method, segments, parse_qs(url.query), body)
        except HubError as error:
            self._send_error(error)
        except Exception as error:  # a bug of the local hub: say so to the client instead of hanging up
            logger.exception("local hub failed on %s %s", method, self.path)
            self._send_error(HubError(500, f"Local test hub error: {type(error).__name__}: {error}"))

    # Routing
    def _route(self, method: str, segments: list[str], query: dict[str, list[str]], body: bytes):
        store = self.server.hub.store
        if segments[:1] == ["api"]:
            rest = segments[1:]
            if rest == ["validate-yaml"] and method == "POST":
                return self._json({"errors": [], "warnings": []})
            if rest == ["repos", "create"] and method == "POST":
                self._require_token()
                return self._create_repo(json.loads(body or b"{}"))
            if len(rest) >= 3 and rest[0] in REPO_TYPES:
                repo = self._get_repo(REPO_TYPES[rest[0]], f"{rest[1]}/{rest[2]}")
                return self._repo_api(method, repo, rest[3:], query, body)
        elif segments[:1] == ["lfs-upload"] and len(segments) == 2 and method == "PUT":
            if hashlib.sha256(body).hexdigest() != segments[1]:
                raise HubError(400, f"The uploaded content does not match its sha256 {segments[1]}.")
            store.put_lfs(body)
            return self._send(200)
        else:
            repo_type = REPO_TYPES.get(segments[0], "model") if segments else "model"
            segments = segments[1:] if segments and segments[0] in REPO_TYPES else segments
            if len(segments) >= 5 and segments[2] == "resolve" and method in ("GET", "HEAD"):
                repo = self._get_repo(repo_type, f"{segments[0]}/{segments[1]}")
                return self._resolve(repo, segments[3], "/".join(segments[4:]))
            lfs_batch = ["info", "lfs", "objects", "batch"]
            if len(segments) == 6 and segments[1].endswith(".git") and segments[2:] == lfs_batch and method == "POST":
                self._require_token()
                self._get_repo(repo_type, f"{segments[0]}/{segments[1][: -len('.git')]}")
                return self._json(self._lfs_batch(json.loads(body)))
        raise HubError(404, f"The local test hub does not implement {method} {'/'.join(segments)}.")

    def _repo_api(self, method: str, repo: _Repo, rest: list[str], query, body: bytes):
        store = self.server.hub.store
        action, args = (rest[0], rest[1:]) if rest else ("", [])
        if method == "GET" and action in ("", "revision"):
            commit = store.resolve(repo, args[0] if args else "main")
            return self._json(self._info(repo, commit, blobs=_flag(query, "blobs")))
        if method == "GET" and action == "tree" and args:
            commit = store.resolve(repo, args[0])
            return self._json(
                self._tree(repo, commit, "/".join(args[1:]), _flag(query, "recursive"), _flag(query, "expand"))
            )
        if method == "POST" and action == "preupload" and args:
            self._require_token()
            return self._json(self._preupload(repo, args[0], json.loads(body)))
        if method == "POST" and action == "commit" and args:
            self._require_token()
            if _flag(query, "create_pr"):
                raise HubError(400, "The local test hub does not support pull requests (create_pr=True).")
            return self._json(self._commit(repo, args[0], body))
        raise HubError(404, f"The local test hub does not implement {method} api/.../{'/'.join(rest)}.")

    # Endpoints
    def _has_token(self) -> bool:
        authorization = self.headers.get("Authorization", "")
        return authorization.startswith("Bearer ") and bool(authorization[len("Bearer ") :].strip())

    def _require_token(self):
        if not self._has_token():
            raise HubError(401, "Invalid credentials in Authorization header")

    def _get_repo(self, repo_type: str, repo_id: str) -> _Repo:
        repo = self.server.hub.store.get_repo(repo_type, repo_id)
        if repo.private and not self._has_token():
            # What the Hub answers for a private repo to an anonymous client: it does not say the repo exists.
            raise HubError(401, "Repository not found", code="RepoNotFound")
        return repo

    def _create_repo(self, payload: dict):
        store, endpoint = self.server.hub.store, self.server.hub.endpoint
        repo_type = payload.get("type") or "model"
        if repo_type not in URL_PREFIXES:
            raise HubError(400, f"Invalid repo type: {repo_type}")
        repo_id = f"{payload.get('organization') or store.user}/{payload['name']}"
        private = payload.get("private", payload.get("visibility") == "private")
        url = f"{endpoint}/{URL_PREFIXES[repo_type]}{repo_id}"
        try:
            store.create_repo(repo_type, repo_id, private=bool(private))
        except HubError as error:  # the repo exists: the Hub's 409 also gives its URL
            return self._json({"error": error.message, "url": url}, error.status)
        self._json({"url": url, "name": repo_id, "id": repo_id})

    def _info(self, repo: _Repo, commit: _Commit, blobs: bool) -> dict:
        siblings = []
        for path, entry in sorted(commit.files.items()):
            sibling = {"rfilename": path}
            if blobs:
                sibling.update(size=entry.size, blobId=entry.blob_id)
                if entry.sha256:
                    pointer_size = len(_lfs_pointer(entry.sha256, entry.size))
                    sibling["lfs"] = {"size": entry.size, "sha256": entry.sha256, "pointerSize": pointer_size}
            siblings.append(sibling)
        info = {
            "_id": hashlib.sha1(f"{repo.repo_type}/{repo.repo_id}".encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": commit.oid,
            "lastModified": commit.date,
            "createdAt": repo.created_at,
            "private": repo.private,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": siblings,
            "usedStorage": sum(entry.size for entry in commit.files.values()),
        }
        if repo.repo_type == "model":
            info["modelId"] = repo.repo_id
            config = self._model_config(commit)
            if config is not None:
                info.update(config=config, library_name="transformers")
        return info

    def _model_config(self, commit: _Commit) -> dict | None:
        # The Hub shows the keys of config.json that tell a client how to load the model.
        entry = commit.files.get("config.json")
        if entry is None:
            return None
        try:
            config = json.loads(self.server.hub.store.read(entry))
        except ValueError:
            return None
        return {key: config[key] for key in ("architectures", "model_type", "auto_map") if key in config}

    def _path_info(self, repo: _Repo, commit: _Commit, path: str, expand: bool) -> dict:
        entry = commit.files.get(path)
        if entry is not None:
            info = {"type": "file", "oid": entry.blob_id, "size": entry.size, "path": path}
            if entry.sha256:
                pointer_size = len(_lfs_pointer(entry.sha256, entry.size))
                info["lfs"] = {"oid": entry.sha256, "size": entry.size, "pointerSize": pointer_size}
        else:
            info = {"type": "directory", "oid": _folder_id(commit, path), "size": 0, "path": path}
        if expand:
            if entry is not None:
                last = repo.commits[entry.last_commit]
                info["securityFileStatus"] = {"status": "safe", "avScan": None, "pickleImportScan": None}
            else:
                # A folder's last commit is the newest one in the history that changed a file below it.
                touched = {e.last_commit for p, e in commit.files.items() if p.startswith(path + "/")}
                last = commit
                while last.oid not in touched:
                    last = repo.commits[last.parent]
            info["lastCommit"] = {"id": last.oid, "title": last.title, "date": last.date}
        return info

    def _tree(self, repo: _Repo, commit: _Commit, path: str, recursive: bool, expand: bool) -> list[dict]:
        path = path.strip("/")
        if path in commit.files:
            return [self._path_info(repo, commit, path, expand)]
        prefix = path + "/" if path else ""
        children: set[str] = set()
        for file in commit.files:
            if not file.startswith(prefix):
                continue
            parts = file[len(prefix) :].split("/")
            depth = len(parts) if recursive else 1
            children.update(prefix + "/".join(parts[: i + 1]) for i in range(depth))
        if path and not children:
            raise HubError(404, f"Entry not found: {path}", code="EntryNotFound")
        # Folders first, then files, each sorted: the Hub's order.
        ordered = sorted(children, key=lambda p: (p in commit.files, p))
        return [self._path_info(repo, commit, p, expand) for p in ordered]

    def _preupload(self, repo: _Repo, revision: str, payload: dict) -> dict:
        store = self.server.hub.store
        commit = store.resolve(repo, revision)
        files = []
        for file in payload.get("files", []):
            mode = store.upload_mode(commit, file["path"], int(file.get("size", 0)))
            answer = {"path": file["path"], "uploadMode": mode, "shouldIgnore": False}
            entry = commit.files.get(file["path"])
            if entry is not None:
                # Lets the client skip files that did not change, as with the Hub.
                answer["oid"] = entry.etag
            files.append(answer)
        return {"files": files, "commitOid": commit.oid}

    def _commit(self, repo: _Repo, revision: str, body: bytes) -> dict:
        hub = self.server.hub
        header: dict = {}
        additions: dict[str, bytes | str] = {}
        deletions: list[tuple[str, bool]] = []
        for line in body.splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            key, value = item.get("key"), item.get("value", {})
            if key == "header":
                header = value
            elif key == "file":
                content = value["content"]
                additions[value["path"]] = (
                    base64.b64decode(content) if value.get("encoding") == "base64" else content.encode()
                )
            elif key in ("deletedFile", "deletedFolder"):
                deletions.append((value["path"], key == "deletedFolder"))
            elif key == "lfsFile":
                additions[value["path"]] = value["oid"]
            else:
                raise HubError(400, f"Unknown commit operation: {key}")
        commit = hub.store.commit(
            repo,
            revision,
            additions,
            deletions,
            header.get("summary") or "Commit",
            header.get("description") or "",
            parent_commit=header.get("parentCommit"),
        )
        return {
            "success": True,
            "commitOid": commit.oid,
            "commitUrl": f"{hub.endpoint}/{repo.url_path}/commit/{commit.oid}",
            "hookOutput": "",
            "pullRequestUrl": None,
        }

    def _lfs_batch(self, payload: dict) -> dict:
        # The git LFS batch API, "basic" transfer: one PUT of the whole object, to this server.
        store, endpoint = self.server.hub.store, self.server.hub.endpoint
        if payload.get("operation") != "upload":
            raise HubError(400, "The local test hub's LFS batch endpoint only takes uploads.")
        objects = []
        for obj in payload.get("objects", []):
            answer = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if not store.has_lfs(obj["oid"]):
                answer["actions"] = {"upload": {"href": f"{endpoint}/lfs-upload/{obj['oid']}"}}
            objects.append(answer)
        return {"transfer": "basic", "objects": objects, "hash_algo": "sha256"}

    def _resolve(self, repo: _Repo, revision: str, path: str):
        store = self.server.hub.store
        commit = store.resolve(repo, revision)
        entry = commit.files.get(path)
        if entry is None:
            raise HubError(404, "Entry not found", code="EntryNotFound", headers={"X-Repo-Commit": commit.oid})
        headers = {
            "Content-Type": "application/octet-stream",
            "ETag": f'"{entry.etag}"',
            "X-Repo-Commit": commit.oid,
            "Accept-Ranges": "bytes",
        }
        if entry.sha256:
            # The Hub redirects LFS files to a CDN and names them in these headers; serving them here is simpler.
            headers.update({"X-Linked-Etag": f'"{entry.sha256}"', "X-Linked-Size": str(entry.size)})
        if self.command == "HEAD":
            return self._send(200, headers=headers, length=entry.size)
        data = store.read(entry)
        byte_range = self.headers.get("Range")
        if byte_range and byte_range.startswith("bytes="):
            start_text, _, end_text = byte_range[len("bytes=") :].split(",")[0].partition("-")
            if start_text:
                start, end = int(start_text), int(end_text) if end_text else len(data) - 1
            else:  # a suffix range: the last N bytes
                start, end = max(len(data) - int(end_text), 0), len(data) - 1
            if start >= len(data):
                raise HubError(416, "Range not satisfiable", headers={"Content-Range": f"bytes */{len(data)}"})
            end = min(end, len(data) - 1)
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            return self._send(206, data[start : end + 1], headers)
        return self._send(200, data, headers)


def _flag(query: dict[str, list[str]], name: str) -> bool:
    return any(value.lower() in ("1", "true") for value in query.get(name, []))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hub: LocalHub


class LocalHub:
    """
    A Hugging Face Hub on 127.0.0.1 for tests, served from a background thread while its `with` block runs.

    Args:
        root (`str` or `os.PathLike`, *optional*):
            Directory for the file contents (created if needed). Defaults to a temporary directory removed on exit.
        user (`str`, *optional*, defaults to `"lugpi-tester"`):
            The user every token belongs to: the namespace of repos created without one.

    Attributes:
        endpoint (`str`): the `HF_ENDPOINT` of the server, e.g. `http://127.0.0.1:41234`.
        store ([`HubStore`]): repos, commits and files, for inspection from the test.
        requests (`list[str]`): every request received, as `"METHOD path"`.
        refused (`list[str]`): requests for other hosts that the server refused (should stay empty).

    Example:

    ```python
    >>> with LocalHub(tmp_path / "hub") as hub:
    ...     subprocess.run([sys.executable, "push.py"], env=hub.env(tmp_path / "hf-home"), check=True)
    ...     assert "README.md" in hub.list_files("lugpi-tester/my-model")
    ```
    """

    def __init__(self, root: str | os.PathLike | None = None, user: str = DEFAULT_USER):
        self._tmp = TemporaryDirectory(prefix="lugpi-local-hub-") if root is None else None
        self.store = HubStore(self._tmp.name if self._tmp else root, user=user)
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.endpoint = ""
        self.hosts: set[str] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> LocalHub:
        # Loopback only, on a port the OS picks.
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.hub = self
        port = self._server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{port}"
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="lugpi-local-hub", daemon=True
        )
        self._thread.start()
        logger.debug("Local test hub serving at %s", self.endpoint)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def env(self, hf_home: str | os.PathLike | None = None, **kwargs) -> dict[str, str]:
        """[`hub_env`] for this server: the environment of a client process."""
        return hub_env(self.endpoint, hf_home, **kwargs)

    def sha(self, repo_id: str, repo_type: str = "model", revision: str = "main") -> str:
        """The commit id `revision` points at in a repo, read directly from the store (no HTTP)."""
        return self.store.resolve(self.store.get_repo(repo_type, repo_id), revision).oid

    def list_files(self, repo_id: str, repo_type: str = "model", revision: str = "main") -> list[str]:
        """The files of a repo at `revision`, read directly from the store (no HTTP)."""
        repo = self.store.get_repo(repo_type, repo_id)
        return sorted(self.store.resolve(repo, revision).files)

    def read_file(self, repo_id: str, path: str, repo_type: str = "model", revision: str = "main") -> bytes:
        """The content of `path` in a repo at `revision`, read directly from the store (no HTTP)."""
        repo = self.store.get_repo(repo_type, repo_id)
        entry = self.store.resolve(repo, revision).files.get(path)
        if entry is None:
            raise FileNotFoundError(f"{path} is not in {repo_type} repo {repo_id}@{revision}")
        return self.store.read(entry)


__all__ = ["DEFAULT_USER", "DUMMY_TOKEN", "HubError", "HubStore", "LocalHub", "hub_env"]
