"""The columns of import files: canonical fields, the Vietnamese header of the template, and the
other names accepted for each (documented English aliases, and names seen in provincial one-stop
exports). Headers are matched by `core.tabular`, after folding: case, diacritics, punctuation and
surrounding spaces do not matter ("NGÀY TIẾP NHẬN", "ngay tiep nhan" and " Ngày tiếp nhận: " are
the same column). A mapping given by the user ("Tên cột khác=code") names any other header.

The value vocabularies (channel, status, return method, procedure level...) are here too, folded
the same way (`key`), so that "Đã trả kết quả", "đã trả" and "returned" read alike."""

from __future__ import annotations

from dieuhanh.core import tabular
from dieuhanh.core.i18n import recorded
from dieuhanh.core.tabular import Column, ColumnError, Layout
from dieuhanh.core.tabular import header_key as key
from dieuhanh.dossiers.choices import Channel, Level, OnlineType, ReturnMethod, Status

# Dossiers: the columns of a one-stop export. "Tên thủ tục" is informational (the procedure is
# found by its code). "Ngày hẹn trả" must be present but may be empty in a row: the appointment
# date is then computed from the procedure's processing time and the calendar.
DOSSIER_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã hồ sơ", True, ("Số hồ sơ", "Mã số hồ sơ", "Dossier code", "Dossier ID", "Dossier")),
    Column("procedure_code", "Mã thủ tục", True, ("Mã TTHC", "Mã thủ tục hành chính", "Procedure code")),
    Column("procedure_name", "Tên thủ tục", True, ("Tên TTHC", "Tên thủ tục hành chính", "Procedure name",
                                                   "Procedure")),
    Column("unit_code", "Đơn vị tiếp nhận (mã)", True, ("Mã đơn vị tiếp nhận", "Mã đơn vị", "Receiving unit code",
                                                        "Unit code", "Unit")),
    Column("channel", "Kênh tiếp nhận", True, ("Hình thức tiếp nhận", "Hình thức nộp", "Channel")),
    Column("received", "Ngày tiếp nhận", True, ("Thời điểm tiếp nhận", "Ngày nhận", "Received on", "Received date",
                                                "Date received", "Received")),
    Column("due", "Ngày hẹn trả", True, ("Ngày hẹn trả kết quả", "Hạn giải quyết", "Due on", "Due date",
                                         "Appointment date", "Due")),
    Column("result", "Ngày có kết quả", True, ("Ngày hoàn thành", "Ngày giải quyết xong", "Result on", "Result date",
                                               "Resolved on", "Completed on")),
    Column("returned", "Ngày trả kết quả", True, ("Ngày trả", "Returned on", "Return date", "Returned")),
    Column("status", "Trạng thái", True, ("Tình trạng", "Trạng thái hồ sơ", "Status")),
    Column("applicant_name", "Người nộp", False, ("Người nộp hồ sơ", "Tên người nộp", "Chủ hồ sơ", "Applicant",
                                                  "Applicant name")),
    Column("current_body", "Cơ quan đang xử lý", False, ("Đơn vị đang xử lý", "Current body", "Handling body")),
    Column("current_step", "Bước hiện tại", False, ("Bước xử lý", "Bước đang xử lý", "Current step", "Step")),
    Column("apology_on", "Ngày xin lỗi", False, ("Ngày văn bản xin lỗi", "Apology on", "Apology date")),
    Column("new_due_on", "Ngày hẹn lại", False, ("Ngày hẹn trả lại", "New due on", "New due date",
                                                 "New appointment date")),
    Column("return_method", "Hình thức trả", False, ("Hình thức trả kết quả", "Return method")),
)

PROCEDURE_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã thủ tục", True, ("Mã TTHC", "Mã thủ tục hành chính", "Procedure code", "Code")),
    Column("name", "Tên thủ tục", True, ("Tên TTHC", "Tên thủ tục hành chính", "Procedure name", "Name")),
    Column("field", "Lĩnh vực", True, ("Field",)),
    Column("level", "Cấp thực hiện", True, ("Level",)),
    Column("processing_days", "Thời hạn giải quyết (ngày làm việc)", True, ("Thời hạn giải quyết", "Thời hạn",
                                                                            "Processing days")),
    Column("online_type", "Dịch vụ công trực tuyến", False, ("DVC trực tuyến", "Mức độ DVC", "Online service")),
    Column("fee", "Phí lệ phí", False, ("Phí, lệ phí", "Lệ phí", "Phí", "Fee")),
    Column("postal_return", "Trả kết quả qua bưu chính", False, ("Trả qua bưu chính", "Postal return")),
    Column("deciding_body", "Cơ quan thực hiện", False, ("Cơ quan có thẩm quyền", "Cơ quan giải quyết",
                                                         "Deciding body")),
)

COLUMNS = {"dossiers": DOSSIER_COLUMNS, "procedures": PROCEDURE_COLUMNS}


def parse_mapping(items: list[str] | dict[str, str] | None, kind: str = "dossiers") -> dict[str, str]:
    """`["Tên cột khác=code", ...]` or a dict → {file header: canonical field}. The target may be
    the canonical field or any accepted header ("Số biên nhận=Mã hồ sơ")."""
    if not items:
        return {}
    pairs = list(items.items()) if isinstance(items, dict) else []
    if not isinstance(items, dict):
        for item in items:
            if "=" not in item:
                raise ColumnError(f"Ánh xạ cột «{item}» phải có dạng «Tên cột trong tệp=tên trường».")
            left, right = item.rsplit("=", 1)
            pairs.append((left, right))
    lookup = tabular.lookup(COLUMNS[kind])
    out: dict[str, str] = {}
    for left, right in pairs:
        target = lookup.get(key(right))
        if target is None:
            known = ", ".join(c.field for c in COLUMNS[kind])
            raise ColumnError(f"Ánh xạ cột «{left}={right}»: không có trường «{right}» (các trường: {known}).")
        if not key(left):
            raise ColumnError(f"Ánh xạ cột «{left}={right}»: thiếu tên cột trong tệp.")
        out[left.strip()] = target
    return out


def match(headers: list[object], kind: str = "dossiers", mapping: dict[str, str] | None = None) -> Layout:
    """Find each canonical field's column in `headers` (`tabular.match`). Raises ColumnError
    naming every required column that is missing, or a field given by two columns."""
    try:
        return tabular.match(headers, COLUMNS[kind], mapping)
    except ColumnError as exc:
        if not exc.missing:
            raise
        raise ColumnError(f"{exc} Đổi tên cột theo mẫu hoặc dùng ánh xạ cột (Tên cột trong tệp=tên trường).",
                          exc.missing) from None


def header_score(headers: list[object], kind: str = "dossiers", mapping: dict[str, str] | None = None) -> int:
    """How many required columns a row names (to find the header row below a title)."""
    return tabular.header_score(headers, COLUMNS[kind], mapping)


def header_of(field: str, kind: str = "dossiers") -> str:
    return tabular.header_of(COLUMNS[kind], field)


# --- Values ---------------------------------------------------------------------------------------


def _vocabulary(entries: dict[str, tuple[str, ...]], choices: type) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, words in entries.items():
        for word in (value, recorded(choices(value).label), *words):  # the labels of the source language
            out[key(word)] = value
    return out


CHANNELS = _vocabulary({
    Channel.DESK: ("Trực tiếp", "Tại quầy", "Tại bộ phận một cửa", "Nộp trực tiếp"),
    Channel.ONLINE: ("Trực tuyến", "Qua mạng", "Dịch vụ công trực tuyến", "DVC trực tuyến", "Nộp trực tuyến"),
    Channel.POST: ("Bưu chính", "BCCI", "Qua bưu chính", "Qua BCCI", "Bưu điện"),
}, Channel)

STATUSES = _vocabulary({
    Status.RECEIVED: ("Mới tiếp nhận", "Tiếp nhận", "Đã tiếp nhận", "Chờ xử lý", "Mới"),
    Status.PROCESSING: ("Đang xử lý", "Đang giải quyết", "Đang thẩm định", "Chuyển xử lý", "Đang liên thông"),
    Status.SUPPLEMENT: ("Chờ bổ sung", "Chờ bổ sung hồ sơ", "Yêu cầu bổ sung", "Bổ sung hồ sơ"),
    Status.DONE: ("Đã có kết quả", "Có kết quả", "Chờ trả kết quả", "Đã giải quyết", "Hoàn thành"),
    Status.RETURNED: ("Đã trả kết quả", "Đã trả", "Trả kết quả", "Đã trả kết quả cho công dân"),
    Status.REFUSED: ("Từ chối", "Từ chối giải quyết", "Không giải quyết", "Trả lại hồ sơ"),
    Status.WITHDRAWN: ("Rút hồ sơ", "Đã rút", "Công dân rút hồ sơ", "Đã rút hồ sơ"),
}, Status)

RETURN_METHODS = _vocabulary({
    ReturnMethod.DESK: ("Trực tiếp", "Tại quầy", "Tại bộ phận một cửa", "Tại Bộ phận Một cửa"),
    ReturnMethod.POST: ("Bưu chính", "BCCI", "Qua bưu chính", "Bưu chính công ích"),
    ReturnMethod.ONLINE: ("Trực tuyến", "Qua mạng", "Bản điện tử"),
}, ReturnMethod)

LEVELS = _vocabulary({
    Level.PROVINCE: ("Cấp tỉnh", "Tỉnh", "Thành phố trực thuộc trung ương"),
    Level.COMMUNE: ("Cấp xã", "Xã", "Phường", "Đặc khu", "Cấp xã, phường"),
}, Level)

ONLINE_TYPES = _vocabulary({
    OnlineType.FULL: ("Toàn trình", "Trực tuyến toàn trình", "Mức độ 4"),
    OnlineType.PARTIAL: ("Một phần", "Trực tuyến một phần", "Mức độ 3"),
    OnlineType.NONE: ("Không", "Không có", "Chưa cung cấp", ""),
}, OnlineType)

YES = {key(w) for w in ("Có", "x", "yes", "true", "1", "Được", "Cho phép")}
NO = {key(w) for w in ("Không", "no", "false", "0", "Không cho phép")}
