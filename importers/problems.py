"""The catalogue of the problems an import reports about a row: each code once, with its Vietnamese
template, the one layer that raises it, and the field whose value it quotes.

The code is the command line's contract (`cli.md`); the template is filled with the named values
the raising code gives (`Problem.MISSING_NAME.text()`, `Problem.INVALID_COUNT.text(value=…, …)`).
A problem that quotes a citizen ID (`quotes == "citizen_id"`) is masked wherever it is kept.
"""
from __future__ import annotations

from enum import Enum, unique

IMPORTERS, SERVICES = "importers", "services"  # the layer that raises a problem
SECRET_FIELDS = frozenset({"citizen_id"})  # never kept or shown in clear


@unique
class Problem(Enum):
    # importers/normalise.py: one cell
    INVALID_YES_NO = ("invalid-yes-no", "Giá trị “{value}” không đọc được là có/không (có: x, có, "
                      "đã, 1; không: để trống, 0, không, chưa).")
    # Any date cell that is not a date (a report date is `invalid-report-date`, a date of birth
    # `invalid-birth-date`); `column` the sheet's header, `then` what follows for the row.
    INVALID_DATE = ("invalid-date", "Không đọc được {column} “{value}”{then}.")
    INVALID_BIRTH_DATE = ("invalid-birth-date", "Không đọc được ngày sinh “{value}” (ghi ngày/tháng/"
                          "năm hoặc chỉ năm sinh).")
    # The citizen-ID messages never repeat the number: the problem's `value` holds it (masked).
    CITIZEN_ID_DIGITS_LOST = (
        "citizen-id-digits-lost", "Số CCCD đã bị Excel đổi sang dạng số mũ (ví dụ 3,4E+11) và mất "
        "chữ số; hãy định dạng cột là Văn bản (Text) và nhập lại. Người này vẫn được tính, nhận diện "
        "theo số điện thoại hoặc họ tên.", IMPORTERS, "citizen_id")
    INVALID_CITIZEN_ID = (
        "invalid-citizen-id", "Số CCCD không hợp lệ (cần 12 chữ số, hoặc 9 chữ số với CMND cũ). "
        "Người này vẫn được tính, nhận diện theo số điện thoại hoặc họ tên.", IMPORTERS,
        "citizen_id")
    INVALID_PHONE = ("invalid-phone", "Số điện thoại “{value}” không hợp lệ (cần 10 chữ số, bắt "
                     "đầu bằng 0).")
    CITIZEN_ID_IN_PHONE = (
        "citizen-id-in-phone", "Cột số điện thoại có một số giống số CCCD/CMND: số này không được "
        "lưu. Hãy ghi số điện thoại 10 chữ số bắt đầu bằng 0 (hoặc để trống); số CCCD ghi ở cột "
        "CCCD.", IMPORTERS, "citizen_id")
    INVALID_COUNT = ("invalid-count", "Số liệu “{value}” {reason}.")
    # importers/kinds.py: one row
    MISSING_NAME = ("missing-name", "Thiếu họ và tên.")
    INVALID_REPORT_DATE = ("invalid-report-date", "Không đọc được {column} “{value}”; dùng ngày "
                           "báo cáo của tệp.")
    POSSIBLE_NAMESAKE = (
        "possible-namesake", "Trùng {same} và đơn vị với {where}, không có số CCCD hay số điện thoại "
        "để phân biệt: đã tính là một người (theo dòng {row}). Có thể hai người cùng tên đã bị gộp "
        "làm một.")
    DUPLICATE_PERSON = ("duplicate-person", "Trùng {by} với {where}: người này chỉ được tính một "
                        "lần (theo dòng {row}).")
    DUPLICATE_UNIT = ("duplicate-unit", "Đơn vị “{value}” đã có ở {where}: chỉ lấy một lần (theo "
                      "dòng {row}).")
    MISSING_UNIT = ("missing-unit", "Thiếu tên thôn, tổ dân phố, cụm dân cư hoặc tên cơ quan, đơn "
                    "vị.")
    MISSING_COUNT = ("missing-count", "Dòng không có số người đã cài đặt hay đã tạo tài khoản.")
    OVER_TARGET = ("over-target", "{column} “{value}” lớn hơn {base} “{limit}”: trên 100%, vẫn ghi "
                   "nhận.")
    # importers/kinds.py: the platform's account list
    MISSING_IDENTIFIER = ("missing-identifier", "Dòng không có số CCCD hay số điện thoại: không "
                          "đối chiếu được.")
    DUPLICATE_ACCOUNT = ("duplicate-account", "Trùng {by} với {where}: tài khoản chỉ được tính một "
                         "lần (theo dòng {row}).")
    # services/imports.py: a row against the unit directory
    UNKNOWN_COMMUNE = ("unknown-commune", "Không tìm thấy “{value}” trong danh mục đơn vị.{hint}",
                       SERVICES)
    UNKNOWN_UNIT = ("unknown-unit", "Không tìm thấy “{value}” trong danh mục đơn vị.{hint}",
                    SERVICES)
    UNDETERMINED_CLUSTER = (
        "undetermined-cluster", "Không xác định được thôn/cụm dân cư của dòng này: thêm cột "
        "“Thôn/Cụm dân cư” hoặc đặt tên trang tính theo tên thôn.", SERVICES)
    UNDETERMINED_AGENCY = (
        "undetermined-agency", "Không xác định được cơ quan, đơn vị: chọn cơ quan khi tải lên hoặc "
        "thêm cột “Cơ quan, đơn vị”.", SERVICES)
    DUPLICATE_MATCH = (
        "duplicate-match", "Đơn vị này (tên khác) đã có ở dòng {earlier}; lấy số liệu của dòng sau.",
        SERVICES)
    # not said of a row the importer found over its own target already (`unless`)
    OVER_DIRECTORY_TARGET = (
        "over-directory-target", "{column} “{value}” vượt 100% (chỉ tiêu {limit} trong danh mục); "
        "vẫn được ghi nhận, đề nghị kiểm tra lại.", SERVICES, None, "over-target")
    REGISTERED_AFTER_REPORT = (
        "registered-after-report", "{column} “{value}” sau ngày báo cáo {report_date}: tính là đã "
        "đăng ký từ ngày báo cáo.", SERVICES)
    CREATED_AFTER_LIST = (
        "created-after-list", "Ngày tạo tài khoản {created_on} sau ngày của danh sách {list_date}: "
        "tính từ ngày của danh sách.", SERVICES)
    # services/people.py: a person against those already known
    UNKNOWN_REFERENCE = (
        "unknown-reference", "Mã tham chiếu “{value}” không thuộc danh sách của đơn vị: người này "
        "được nhận biết theo số CCCD, số điện thoại hoặc họ tên và ngày sinh.", SERVICES)

    def __new__(cls, code: str, template: str, layer: str = IMPORTERS, quotes: str | None = None,
                unless: str | None = None):
        member = object.__new__(cls)
        member._value_ = code
        member.template, member.layer, member.quotes = template, layer, quotes
        member.unless = unless  # the code of a warning that, said of the row, makes this one moot
        return member

    @property
    def code(self) -> str:
        return self.value

    @property
    def masked(self) -> bool:
        """Whether the value it quotes is a secret (a citizen ID), masked wherever it is kept."""
        return self.quotes in SECRET_FIELDS

    def text(self, **values) -> str:
        return self.template.format(**values)
