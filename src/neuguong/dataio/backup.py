"""Backup and restore: a consistent snapshot of every table plus the uploaded files, with a manifest.

Layout of a backup directory:
    manifest.json              versions, per-model row counts and sha256 of every file
    data/<app>.<model>.jsonl   Django's JSON-lines serialisation, one model per file, in dependency order
    files/<storage name>       every file referenced by a FileField, read through the storage API

The snapshot is taken inside one transaction (REPEATABLE READ on PostgreSQL; SQLite reads from one
snapshot inside a transaction), so rows written while the backup runs are either all in or all out.
"""

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from functools import partial
from importlib import metadata
from pathlib import Path

import django
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT_VERSION = 1
# Rebuilt by `migrate` itself, or throw-away state: never part of a backup.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}
CHUNK = 2_000

MSG_NOT_EMPTY = (
    "Cơ sở dữ liệu đích đã có dữ liệu ({detail}). Dùng --force để xóa dữ liệu hiện có và khôi phục."
)
MSG_NO_MANIFEST = "Không tìm thấy manifest.json trong {path}."
MSG_CHECKSUM = "Tệp {name} trong bản sao lưu bị thay đổi hoặc hỏng (sai mã kiểm tra sha256)."
MSG_MISSING_FILE = "Bản sao lưu thiếu tệp {name}."
MSG_FORMAT = "Bản sao lưu định dạng {found}; phiên bản này đọc định dạng {expected}."
MSG_UNKNOWN_MODEL = "Bản sao lưu chứa bảng {label} không có trong phiên bản phần mềm này."
MSG_DIR_NOT_EMPTY = "Thư mục {path} đã có dữ liệu; hãy chọn một thư mục trống."
MSG_MANIFEST_BROKEN = (
    "Tệp manifest.json trong {path} bị hỏng hoặc không đầy đủ (có thể do sao chép dở dang). "
    "Chưa có dữ liệu nào được khôi phục; hãy dùng một bản sao lưu khác."
)
MSG_BROKEN_DATA = "Tệp {file} trong bản sao lưu bị hỏng ({detail}). Chưa có dữ liệu nào được khôi phục."
MSG_BROKEN_REFERENCE = (
    "Bản sao lưu có dữ liệu tham chiếu tới bản ghi không có trong bản sao lưu (bảng {label}{detail}). "
    "Chưa có dữ liệu nào được khôi phục; bản sao lưu có thể đã bị sửa."
)
# A backup holds every member's data (CCCD included): readable by the account that runs it, nobody else.
DIR_MODE, FILE_MODE = 0o700, 0o600


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _derived() -> set[str]:
    from neuguong.core.registry import DERIVED_DATA

    return set().union(*(labels for labels, _rebuild in DERIVED_DATA))


def backup_models() -> list[type[models.Model]]:
    """Every concrete model with a table, parents before children (as dumpdata orders them); derived
    data (e.g. the commitments' status tallies) is left out and rebuilt after a restore."""
    derived = _derived()
    app_list = {config: None for config in apps.get_app_configs() if config.models_module is not None}
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    return [
        model
        for model in ordered
        if model._meta.label_lower not in EXCLUDED
        and model._meta.label_lower not in derived
        and not model._meta.proxy
        and model._meta.managed
        and not model._meta.auto_created
    ]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def backup_create(directory: str | os.PathLike, *, log: Callable[[str], None] = lambda line: None) -> dict:
    """Write the snapshot into an empty (or new) directory and return the manifest."""
    root = Path(directory)
    if root.exists() and any(root.iterdir()):
        raise BackupError(MSG_DIR_NOT_EMPTY.format(path=root))
    root.mkdir(parents=True, exist_ok=True)
    # The folder is closed to others before anything is written into it (whatever the umask).
    root.chmod(DIR_MODE)
    (root / "data").mkdir(mode=DIR_MODE, exist_ok=True)
    (root / "files").mkdir(mode=DIR_MODE, exist_ok=True)
    manifest: dict = {
        "format": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "versions": {
            "neuguong": _version("neuguong"),
            "django": django.get_version(),
            "openpyxl": _version("openpyxl"),
            "database": connection.vendor,
        },
        "migrations": {},
        "models": [],
        "files": [],
    }
    outer = not connection.in_atomic_block
    with transaction.atomic():
        if outer and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name"):
            manifest["migrations"].setdefault(app, []).append(name)
        for app in manifest["migrations"]:
            manifest["migrations"][app].sort()
        file_names: set[str] = set()
        for model in backup_models():
            label = model._meta.label_lower
            path = root / "data" / f"{label}.jsonl"
            queryset = model._base_manager.order_by(model._meta.pk.name)
            count = 0
            with path.open("w", encoding="utf-8") as out:
                for start in _pk_batches(queryset):
                    chunk = list(start)
                    count += len(chunk)
                    serializers.serialize(
                        "jsonl",
                        chunk,
                        stream=out,
                        use_natural_foreign_keys=True,
                        use_natural_primary_keys=False,
                        cls=ExactJSONEncoder,
                    )
            fields = _file_fields(model)
            if fields:
                for values in queryset.values_list(*[f.attname for f in fields]).iterator(chunk_size=CHUNK):
                    file_names.update(v for v in values if v)
            manifest["models"].append(
                {"model": label, "file": f"data/{label}.jsonl", "count": count, "sha256": _sha256(path)}
            )
            log(f"{label}: {count}")
        for name in sorted(file_names):
            target = root / "files" / name
            target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            try:
                with default_storage.open(name, "rb") as source, target.open("wb") as out:
                    for chunk in iter(partial(source.read, 1 << 20), b""):
                        out.write(chunk)
            except FileNotFoundError:
                manifest.setdefault("missing_files", []).append(name)
                continue
            manifest["files"].append({"name": name, "size": target.stat().st_size, "sha256": _sha256(target)})
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _owner_only(root)
    return manifest


def _owner_only(root: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, DIR_MODE)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), FILE_MODE)


def _pk_batches(queryset):
    """Keyset pagination by primary key: constant memory, and stable inside the snapshot."""
    pk = queryset.model._meta.pk.name
    last = None
    while True:
        page = queryset if last is None else queryset.filter(**{f"{pk}__gt": last})
        rows = list(page[:CHUNK])
        if not rows:
            return
        yield rows
        last = getattr(rows[-1], pk if pk != "id" else "pk")


def _relative(name) -> bool:
    """A name inside the backup folder (a tampered manifest must not make restore read elsewhere)."""
    if not isinstance(name, str) or not name:
        return False
    parts = Path(name).parts
    return not Path(name).is_absolute() and ".." not in parts and "\\" not in name


def _well_formed(manifest) -> bool:
    if not isinstance(manifest, dict):
        return False
    models_ = manifest.get("models")
    files = manifest.get("files")
    if not isinstance(models_, list) or not isinstance(files, list):
        return False
    for entry in models_:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("model"), str)
            and entry["model"].count(".") == 1
            and _relative(entry.get("file"))
            and isinstance(entry.get("sha256"), str)
        ):
            return False
    return all(
        isinstance(entry, dict) and _relative(entry.get("name")) and isinstance(entry.get("sha256"), str)
        for entry in files
    )


def read_manifest(directory: str | os.PathLike) -> dict:
    path = Path(directory) / "manifest.json"
    if not path.is_file():
        raise BackupError(MSG_NO_MANIFEST.format(path=directory))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:  # truncated or not JSON
        raise BackupError(MSG_MANIFEST_BROKEN.format(path=directory)) from exc
    if isinstance(manifest, dict) and manifest.get("format") != FORMAT_VERSION:
        raise BackupError(MSG_FORMAT.format(found=manifest.get("format"), expected=FORMAT_VERSION))
    if not _well_formed(manifest):
        raise BackupError(MSG_MANIFEST_BROKEN.format(path=directory))
    return manifest


def _reference_error(exc: Exception) -> BackupError:
    """An IntegrityError of the final constraint check, said with the model it concerns."""
    import re

    found = re.search(r"table '?\"?(\w+)", str(exc))
    tables = {m._meta.db_table: m._meta.label_lower for m in apps.get_models()}
    label = tables.get(found.group(1), found.group(1)) if found else "?"
    return BackupError(MSG_BROKEN_REFERENCE.format(label=label, detail=""))


def verify(directory: str | os.PathLike, manifest: dict) -> None:
    """Every data file and uploaded file is present and has the checksum the manifest records."""
    root = Path(directory)
    for entry in manifest["models"]:
        _check(root / entry["file"], entry["file"], entry["sha256"])
        if not apps.all_models.get(entry["model"].split(".")[0], {}).get(entry["model"].split(".")[1]):
            raise BackupError(MSG_UNKNOWN_MODEL.format(label=entry["model"]))
    for entry in manifest["files"]:
        _check(root / "files" / entry["name"], entry["name"], entry["sha256"])


def _check(path: Path, name: str, expected: str) -> None:
    if not path.is_file():
        raise BackupError(MSG_MISSING_FILE.format(name=name))
    if _sha256(path) != expected:
        raise BackupError(MSG_CHECKSUM.format(name=name))


def _load(root: Path, entry: dict) -> int:
    """Insert one model's rows; whatever is wrong with the file is a BackupError naming it (the caller's
    transaction then leaves the database as it was)."""
    count = 0
    deferred = []
    try:
        with transaction.atomic():
            with (root / entry["file"]).open(encoding="utf-8") as source:
                for obj in serializers.deserialize("jsonl", source, handle_forward_references=True):
                    obj.save(force_insert=True)
                    if obj.deferred_fields:
                        deferred.append(obj)
                    count += 1
            for obj in deferred:
                obj.save_deferred_fields()
    except IntegrityError as exc:
        raise BackupError(
            MSG_BROKEN_REFERENCE.format(label=entry["model"], detail=f", dòng {count + 1}")
        ) from exc
    except (DeserializationError, ValidationError, ValueError, TypeError, KeyError, DatabaseError) as exc:
        detail = f"dòng {count + 1}: {type(exc.__cause__ or exc).__name__}"
        raise BackupError(MSG_BROKEN_DATA.format(file=entry["file"], detail=detail)) from exc
    return count


def database_rows() -> dict[str, int]:
    """Tables that hold rows (what a restore would overwrite)."""
    return {m._meta.label_lower: n for m in backup_models() if (n := m._base_manager.count())}


def restore(
    directory: str | os.PathLike, *, force: bool = False, log: Callable[[str], None] = lambda line: None
) -> dict[str, int]:
    """Check the backup, refuse a non-empty database unless forced, then load everything in one transaction."""
    root = Path(directory)
    manifest = read_manifest(root)
    verify(root, manifest)
    existing = database_rows()
    if existing and not force:
        detail = ", ".join(f"{label}: {n}" for label, n in list(existing.items())[:5])
        raise BackupError(MSG_NOT_EMPTY.format(detail=detail))
    model_list = [apps.get_model(entry["model"]) for entry in manifest["models"]]
    loaded: dict[str, int] = {}
    with transaction.atomic():
        if existing:
            tables = [m._meta.db_table for m in backup_models()]
            tables += [
                through._meta.db_table
                for m in backup_models()
                for f in m._meta.local_many_to_many
                if (through := f.remote_field.through) is not None and through._meta.auto_created
            ]
            with connection.cursor() as cursor:
                for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
                    cursor.execute(sql)
        with connection.constraint_checks_disabled():
            for entry in manifest["models"]:
                loaded[entry["model"]] = _load(root, entry)
                log(f"{entry['model']}: {loaded[entry['model']]}")
        try:
            with transaction.atomic():
                connection.check_constraints(table_names=[m._meta.db_table for m in model_list])
        except IntegrityError as exc:  # a foreign key to a row the backup does not have
            raise _reference_error(exc) from exc
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
                cursor.execute(sql)
        from neuguong.core.registry import DERIVED_DATA

        for _labels, rebuild in DERIVED_DATA:
            rebuild()
    for entry in manifest["files"]:
        name = entry["name"]
        if default_storage.exists(name):
            default_storage.delete(name)
        with (root / "files" / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:  # pragma: no cover — storage renamed it; the rows would point elsewhere
            raise BackupError(MSG_MISSING_FILE.format(name=name))
    return loaded
