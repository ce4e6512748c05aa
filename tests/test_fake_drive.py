"""The fake's Drive v3 files: folders, multipart/media uploads, get, list and the helpers
tests use to change or lose an attachment behind a client's back."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.http import MediaInMemoryUpload

from tests.fakesheets import FakeSheets
from tests.fakesheets.drive import FOLDER_MIME, ROOT_FOLDER, SHEETS_MIME

FILES = "https://www.googleapis.com/drive/v3/files"
UPLOAD = "https://www.googleapis.com/upload/drive/v3/files"
DATA = b"%PDF-1.7\r\n\x00\xff\xfe binary \n--not-a-boundary\r\n\x80 end"
ALL = "id,name,mimeType,parents,size,md5Checksum,sha1Checksum,sha256Checksum,webViewLink,"
ALL += "createdTime,modifiedTime,trashed"


@pytest.fixture
def session(creds: Credentials) -> AuthorizedSession:
    """google-auth's requests session, as clients use it (the fake ignores the token)."""
    return AuthorizedSession(creds)  # type: ignore[no-untyped-call]


def multipart(
    metadata: dict[str, Any], data: bytes, mime: str = "application/pdf", boundary: str = "b0und"
) -> tuple[bytes, dict[str, str]]:
    """A multipart/related upload body (CRLF, as RFC 2046 writes it) and its header."""
    head = (
        f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
        f"{json.dumps(metadata)}\r\n--{boundary}\r\nContent-Type: {mime}\r\n\r\n"
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f'multipart/related; boundary="{boundary}"'}


def upload(
    session: requests.Session,
    metadata: dict[str, Any],
    data: bytes,
    fields: str = ALL,
    mime: str = "application/pdf",
) -> requests.Response:
    body, headers = multipart(metadata, data, mime)
    params = {"uploadType": "multipart", "fields": fields, "supportsAllDrives": "true"}
    return session.post(UPLOAD, params=params, data=body, headers=headers, timeout=5)


def new_folder(session: requests.Session, name: str, parent: str) -> str:
    body = {"name": name, "mimeType": FOLDER_MIME, "parents": [parent]}
    r = session.post(FILES, json=body, params={"fields": "id"}, timeout=5)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


def test_attachment_folder_beside_the_spreadsheet(
    fake: FakeSheets, session: AuthorizedSession
) -> None:
    sid = fake.create_spreadsheet("Support Log", tabs=["Log"])
    book = session.get(f"{FILES}/{sid}", params={"fields": "id,name,mimeType,parents"}, timeout=5)
    assert book.json() == {
        "id": sid,
        "name": "Support Log",
        "mimeType": SHEETS_MIME,
        "parents": [ROOT_FOLDER],
    }
    r = session.post(
        FILES,
        json={"name": "Support Log attachments", "mimeType": FOLDER_MIME, "parents": [ROOT_FOLDER]},
        timeout=5,
    )
    assert r.status_code == 200
    folder = r.json()
    assert set(folder) == {"kind", "id", "name", "mimeType"}  # Drive's default fields
    assert (folder["kind"], folder["mimeType"]) == ("drive#file", FOLDER_MIME)

    r = upload(session, {"name": "T-1 invoice.pdf", "parents": [folder["id"]]}, DATA)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["sha256Checksum"] == hashlib.sha256(DATA).hexdigest()
    assert got["md5Checksum"] == hashlib.md5(DATA).hexdigest()
    assert got["sha1Checksum"] == hashlib.sha1(DATA).hexdigest()
    assert got["size"] == str(len(DATA))
    assert (got["name"], got["mimeType"], got["parents"]) == (
        "T-1 invoice.pdf",
        "application/pdf",
        [folder["id"]],
    )
    assert got["webViewLink"] == f"https://drive.google.com/file/d/{got['id']}/view?usp=drivesdk"
    assert got["trashed"] is False and got["createdTime"].endswith("Z")
    assert fake.drive_file(got["id"])["content"] == DATA
    assert fake.calls[-1].method_id == "drive.files.create"
    assert fake.calls[-1].body == {"name": "T-1 invoice.pdf", "parents": [folder["id"]]}
    assert fake.calls[-1].upload is not None and fake.calls[-1].upload.data == DATA
    assert fake.violations == []


def test_get_honours_fields_and_downloads_media(
    fake: FakeSheets, session: AuthorizedSession
) -> None:
    folder = new_folder(session, "att", "root")  # "root" is Drive's alias for My Drive
    assert fake.drive_file(folder)["parents"] == [ROOT_FOLDER]
    fid = upload(session, {"name": "a.txt", "parents": [folder]}, b"hello", mime="text/plain")
    file_id = fid.json()["id"]
    plain = session.get(f"{FILES}/{file_id}", timeout=5).json()
    assert plain == {"kind": "drive#file", "id": file_id, "name": "a.txt", "mimeType": "text/plain"}
    some = session.get(f"{FILES}/{file_id}", params={"fields": "size,sha256Checksum"}, timeout=5)
    assert some.json() == {"size": "5", "sha256Checksum": hashlib.sha256(b"hello").hexdigest()}
    everything = session.get(f"{FILES}/{file_id}", params={"fields": "*"}, timeout=5).json()
    assert everything["fileExtension"] == "txt" and everything["version"] == "1"
    media = session.get(f"{FILES}/{file_id}", params={"alt": "media"}, timeout=5)
    assert (media.status_code, media.content) == (200, b"hello")
    assert media.headers["Content-Type"] == "text/plain"
    folder_res = session.get(f"{FILES}/{folder}", params={"fields": "*"}, timeout=5).json()
    assert "size" not in folder_res and "sha256Checksum" not in folder_res
    assert folder_res["webViewLink"] == f"https://drive.google.com/drive/folders/{folder}"
    root = session.get(f"{FILES}/root", params={"fields": "id,mimeType"}, timeout=5)
    assert root.json() == {"id": ROOT_FOLDER, "mimeType": FOLDER_MIME}
    assert fake.violations == []


def test_unknown_ids_are_404_in_drive_format(fake: FakeSheets, session: AuthorizedSession) -> None:
    r = session.get(f"{FILES}/nope", params={"fields": "id"}, timeout=5)
    assert r.status_code == 404
    err = r.json()["error"]
    assert (err["code"], err["status"], err["message"]) == (
        404,
        "NOT_FOUND",
        "File not found: nope.",
    )
    assert err["errors"][0]["reason"] == "notFound"
    r = session.post(FILES, json={"name": "x", "mimeType": FOLDER_MIME, "parents": ["gone"]})
    assert r.status_code == 404
    assert upload(session, {"name": "x", "parents": ["gone"]}, b"x").status_code == 404
    assert session.delete(f"{FILES}/nope", timeout=5).status_code == 404
    assert fake.drive_files() == [] and fake.violations == []


def test_list_by_parent_name_mime_and_trashed(fake: FakeSheets, session: AuthorizedSession) -> None:
    sid = fake.create_spreadsheet("Support Log")
    folder = new_folder(session, "att", ROOT_FOLDER)
    sent = [upload(session, {"name": f"f{i}.bin", "parents": [folder]}, b"x" * i) for i in range(3)]
    ids = [str(r.json()["id"]) for r in sent]
    other = new_folder(session, "other", ROOT_FOLDER)
    upload(session, {"name": "f0.bin", "parents": [other]}, b"elsewhere")

    def names(q: str, fields: str = "files(id,name,sha256Checksum,size)") -> list[Any]:
        r = session.get(FILES, params={"q": q, "fields": fields}, timeout=5)
        assert r.status_code == 200, r.text
        return [f["name"] for f in r.json()["files"]]

    in_folder = f"'{folder}' in parents and trashed = false"
    assert names(in_folder) == ["f0.bin", "f1.bin", "f2.bin"]
    r = session.get(FILES, params={"q": in_folder, "fields": "files(id,sha256Checksum,size)"})
    assert r.json()["files"][1] == {
        "id": ids[1],
        "sha256Checksum": hashlib.sha256(b"x").hexdigest(),
        "size": "1",
    }
    assert names(f"'{folder}' in parents and name = 'f1.bin'") == ["f1.bin"]
    assert names("name = 'f0.bin'") == ["f0.bin", "f0.bin"]
    assert names(f"mimeType = '{FOLDER_MIME}'") == ["att", "other"]
    assert names(f"mimeType != '{FOLDER_MIME}' and 'root' in parents") == ["Support Log"]
    assert names(f"mimeType = '{SHEETS_MIME}' and name = 'Support Log'") == ["Support Log"]
    # unknown clauses are ignored, as before
    assert names(f"'{folder}' in parents and modifiedTime > '2020-01-01T00:00:00'") == [
        "f0.bin",
        "f1.bin",
        "f2.bin",
    ]
    plain = session.get(FILES, params={"q": f"'{folder}' in parents"}, timeout=5).json()
    assert set(plain) == {"kind", "incompleteSearch", "files"}
    assert set(plain["files"][0]) == {"kind", "id", "name", "mimeType"}

    fake.trash_drive_file(ids[0])
    assert names(in_folder) == ["f1.bin", "f2.bin"]
    assert names(f"'{folder}' in parents") == ["f0.bin", "f1.bin", "f2.bin"]  # Drive's default
    assert names(f"'{folder}' in parents and trashed = true") == ["f0.bin"]
    fake.trash_drive_file(folder)  # a trashed folder trashes what is in it
    assert names(in_folder) == []
    assert fake.drive_file(ids[2])["trashed"] is True
    assert fake.drive_file(ids[2])["explicitlyTrashed"] is False
    assert sid in [f["id"] for f in fake.drive_files()]
    assert fake.violations == []


def test_list_pages(fake: FakeSheets, session: AuthorizedSession) -> None:
    folder = fake.add_drive_folder("att")
    made = [fake.add_drive_file(f"{i}.txt", b"%d" % i, "text/plain", folder) for i in range(5)]
    seen: list[str] = []
    params = {"q": f"'{folder}' in parents", "pageSize": "2", "fields": "nextPageToken,files(id)"}
    pages = 0
    while True:
        r = session.get(FILES, params=params, timeout=5).json()
        pages += 1
        seen += [f["id"] for f in r["files"]]
        if "nextPageToken" not in r:
            break
        params["pageToken"] = r["nextPageToken"]
    assert (seen, pages) == (made, 3)
    one = session.get(
        FILES, params={"q": f"'{folder}' in parents", "pageSize": "5000"}, timeout=5
    ).json()
    assert len(one["files"]) == 5 and "nextPageToken" not in one  # coerced to 1000
    for i in range(101):
        fake.add_drive_file(f"more-{i}", b"")
    default = session.get(FILES, params={"fields": "nextPageToken,files(id)"}, timeout=5).json()
    assert len(default["files"]) == 100 and default["nextPageToken"]
    assert fake.violations == []


def test_helpers_change_or_lose_an_attachment(fake: FakeSheets, session: AuthorizedSession) -> None:
    r = upload(session, {"name": "a.pdf"}, DATA)
    file_id = r.json()["id"]
    before = fake.drive_file(file_id)
    assert before["parents"] == [ROOT_FOLDER] and before["content"] == DATA
    fake.replace_drive_bytes(file_id, b"tampered")
    after = session.get(f"{FILES}/{file_id}", params={"fields": "*"}, timeout=5).json()
    assert after["sha256Checksum"] == hashlib.sha256(b"tampered").hexdigest()
    assert after["md5Checksum"] == hashlib.md5(b"tampered").hexdigest()
    assert (after["size"], after["version"]) == ("8", "2")
    assert session.get(f"{FILES}/{file_id}", params={"alt": "media"}).content == b"tampered"
    fake.trash_drive_file(file_id)
    got = session.get(f"{FILES}/{file_id}", params={"fields": "trashed,trashedTime"}).json()
    assert got["trashed"] is True and got["trashedTime"]
    fake.delete_drive_file(file_id)
    assert session.get(f"{FILES}/{file_id}", timeout=5).status_code == 404
    with pytest.raises(KeyError):
        fake.drive_file(file_id)
    folder = fake.add_drive_folder("att")
    inner = fake.add_drive_file("b.txt", b"b", parent=folder)
    assert session.delete(f"{FILES}/{folder}", timeout=5).status_code == 204
    assert fake.drive_files() == [] and fake.count("drive.files.delete") == 1
    with pytest.raises(KeyError):
        fake.replace_drive_bytes(inner, b"")
    assert fake.violations == []


def test_media_upload_and_spreadsheet_parents(fake: FakeSheets, session: AuthorizedSession) -> None:
    r = session.post(
        UPLOAD,
        params={"uploadType": "media"},
        data=b"raw bytes",
        headers={"Content-Type": "image/png"},
        timeout=5,
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Untitled" and r.json()["mimeType"] == "image/png"
    assert fake.drive_file(r.json()["id"])["content"] == b"raw bytes"
    folder = new_folder(session, "logs", ROOT_FOLDER)
    made = session.post(
        FILES,
        json={"name": "Team Log", "mimeType": SHEETS_MIME, "parents": [folder]},
        params={"fields": "id,parents"},
        timeout=5,
    ).json()
    assert made["parents"] == [folder] and fake.titles(made["id"]) == ["Sheet1"]
    inside = fake.create_spreadsheet("Other", parent=folder)
    assert fake.drive_file(inside)["parents"] == [folder]
    assert "content" not in fake.drive_file(inside) and "content" not in fake.drive_file(folder)
    download = session.get(f"{FILES}/{inside}", params={"alt": "media"}, timeout=5)
    assert download.status_code == 403
    assert download.json()["error"]["errors"][0]["reason"] == "fileNotDownloadable"
    assert fake.violations == []


def test_drive_refusals_that_are_not_discovery_violations(session: AuthorizedSession) -> None:
    with FakeSheets() as fake:
        folder = fake.add_drive_folder("att")
        blob = fake.add_drive_file("x.txt", b"x")
        r1 = upload(session, {"name": "a", "sha256Checksum": "0" * 64}, b"a")
        r2 = upload(session, {"name": "a", "parents": [folder, ROOT_FOLDER]}, b"a")
        r3 = upload(session, {"name": "a", "parents": [blob]}, b"a")
        r4 = session.post(
            "https://www.googleapis.com/upload/drive/v3/files",
            params={"uploadType": "resumable"},
            json={"name": "big.bin"},
            timeout=5,
        )
    assert [r.status_code for r in (r1, r2, r3, r4)] == [403, 403, 400, 400]
    assert r1.json()["error"]["errors"][0]["reason"] == "fieldNotWritable"
    assert r2.json()["error"]["errors"][0]["reason"] == "cannotAddParent"
    assert fake.not_implemented == ["drive.files.create (upload, uploadType=resumable)"]
    assert fake.violations == [] and len(fake.drive_files()) == 2


@pytest.mark.parametrize(
    ("name", "body", "headers", "params", "needle"),
    [
        (
            "no closing boundary",
            b'--b\r\nContent-Type: application/json\r\n\r\n{"name": "a"}\r\n--b\r\n\r\nxx',
            {"Content-Type": "multipart/related; boundary=b"},
            {"uploadType": "multipart"},
            "no closing boundary",
        ),
        (
            "one part",
            b'--b\r\nContent-Type: application/json\r\n\r\n{"name": "a"}\r\n--b--',
            {"Content-Type": "multipart/related; boundary=b"},
            {"uploadType": "multipart"},
            "1 mime parts",
        ),
        (
            "no boundary",
            b"whatever",
            {"Content-Type": "multipart/related"},
            {"uploadType": "multipart"},
            "no boundary",
        ),
        (
            "JSON sent as multipart",
            b'{"name": "a"}',
            {"Content-Type": "application/json"},
            {"uploadType": "multipart"},
            "needs multipart/related",
        ),
        (
            "metadata not JSON",
            b"--b\r\nContent-Type: application/json\r\n\r\n{name\r\n--b\r\n\r\nxx\r\n--b--",
            {"Content-Type": "multipart/related; boundary=b"},
            {"uploadType": "multipart"},
            "metadata part is not JSON",
        ),
        (
            "unknown metadata field",
            multipart({"titel": "a"}, b"x")[0],
            multipart({"titel": "a"}, b"x")[1],
            {"uploadType": "multipart"},
            'Unknown name "titel"',
        ),
        (
            "no uploadType",
            multipart({"name": "a"}, b"x")[0],
            multipart({"name": "a"}, b"x")[1],
            {},
            "uploadType must be one of media, multipart, resumable",
        ),
        (
            "unknown parameter",
            multipart({"name": "a"}, b"x")[0],
            multipart({"name": "a"}, b"x")[1],
            {"uploadType": "multipart", "convert": "true"},
            'Unknown name "convert"',
        ),
    ],
)
def test_malformed_uploads_are_violations(
    name: str, body: bytes, headers: dict[str, str], params: dict[str, str], needle: str
) -> None:
    with FakeSheets() as fake:
        r = requests.post(UPLOAD, params=params, data=body, headers=headers, timeout=5)
    assert r.status_code == 400, name
    assert r.json()["error"]["errors"][0]["reason"] == "badRequest"
    assert len(fake.violations) == 1 and needle in fake.violations[0], fake.violations
    assert fake.violations[0].startswith("drive.files.create: ")
    assert fake.drive_files() == []


def test_a_multipart_body_on_the_metadata_url_is_a_violation() -> None:
    body, headers = multipart({"name": "a"}, b"x")
    with FakeSheets() as fake:
        r = requests.post(FILES, params={"uploadType": "multipart"}, data=body, headers=headers)
    assert r.status_code == 400
    assert fake.violations == [
        "drive.files.create: Invalid JSON payload received: the body is not JSON."
    ]


def replay(request: Any, session: requests.Session) -> requests.Response:
    """Send a googleapiclient HttpRequest (built, never executed) through requests."""
    return session.request(request.method, request.uri, data=request.body, headers=request.headers)


def test_googleapiclient_requests_match(
    fake: FakeSheets, session: AuthorizedSession, creds: Credentials
) -> None:
    service = build("drive", "v3", credentials=creds, static_discovery=True)
    files = service.files()
    folder = replay(files.create(body={"name": "att", "mimeType": FOLDER_MIME}), session)
    assert folder.status_code == 200, folder.text
    request = files.create(
        body={"name": "a.bin", "parents": [folder.json()["id"]]},
        media_body=MediaInMemoryUpload(DATA, mimetype="application/octet-stream"),
        fields="id,parents,sha256Checksum,size",
    )
    assert request.uri.startswith(f"{UPLOAD}?")
    assert "uploadType=multipart" in request.uri and "alt=json" in request.uri
    made = replay(request, session)
    assert made.status_code == 200, made.text
    assert made.json()["sha256Checksum"] == hashlib.sha256(DATA).hexdigest()
    assert made.json()["parents"] == [folder.json()["id"]]
    assert fake.drive_file(made.json()["id"])["content"] == DATA  # LF-delimited parts
    simple = files.create(media_body=MediaInMemoryUpload(b"hi", mimetype="text/plain"))
    assert replay(simple, session).json()["name"] == "Untitled"
    fid = made.json()["id"]
    listed = files.list(q=f"'{folder.json()['id']}' in parents", fields="files(id)")
    assert replay(listed, session).json() == {"files": [{"id": fid}]}
    assert replay(files.get(fileId=fid, fields="size"), session).json() == {"size": str(len(DATA))}
    assert replay(files.get_media(fileId=fid), session).content == DATA
    assert fake.violations == []
