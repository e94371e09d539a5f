"""Who may see and change what. Every service that takes an `actor` checks it here, whatever the page.

- leader: every figure and report, no personal data, no uploads;
- admin: everything;
- commune: uploads for, and sees the residents of, its own commune's clusters;
- agency: uploads for, and sees the staff of, its own agency.
"""
from __future__ import annotations

from errors import UserError
from services.auth import ROLES, Actor

UPLOAD_KINDS = {"admin": {"units", "residents", "staff", "counts", "accounts"},
                "commune": {"residents", "counts"}, "agency": {"staff", "counts"}}


class ScopeRefused(UserError, PermissionError):
    """The caller's role or unit does not allow this; the message says why, in Vietnamese."""


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise ScopeRefused(f"Tài khoản “{actor.username}” ({ROLES.get(actor.role, actor.role)}) "
                           "không được dùng chức năng này.")


def check_commune(actor: Actor, commune_id: int | None) -> None:
    """Admin: any commune; a commune account: its own; anyone else: refused."""
    require_role(actor, "admin", "commune")
    if actor.role == "commune" and (commune_id is None or commune_id != actor.commune_id):
        raise ScopeRefused(f"Tài khoản “{actor.username}” chỉ xem và nhập được số liệu của xã, "
                           "thị trấn mình.")


def check_agency(actor: Actor, agency_id: int | None) -> None:
    """Admin: any agency; an agency account: its own; anyone else: refused."""
    require_role(actor, "admin", "agency")
    if actor.role == "agency" and (agency_id is None or agency_id != actor.agency_id):
        raise ScopeRefused(f"Tài khoản “{actor.username}” chỉ xem và nhập được số liệu của cơ "
                           "quan, đơn vị mình.")


def check_upload(actor: Actor, commune_id: int | None, agency_id: int | None) -> None:
    """May the actor see or undo an upload made for this commune or agency?"""
    require_role(actor, "admin", "commune", "agency")
    if actor.role == "commune":
        check_commune(actor, commune_id)
    elif actor.role == "agency":
        check_agency(actor, agency_id)


def import_units(actor: Actor, commune_id: int | None, agency_id: int | None
                 ) -> tuple[int | None, int | None]:
    """The commune and agency an import is for: a commune or agency account's own, forced.

    Refused: a leader; a commune or agency account naming another unit."""
    require_role(actor, "admin", "commune", "agency")
    if actor.role == "commune":
        if commune_id is not None:
            check_commune(actor, commune_id)
        if agency_id is not None:
            raise ScopeRefused("Tài khoản xã, thị trấn không nhập số liệu cho cơ quan, đơn vị.")
        return actor.commune_id, None
    if actor.role == "agency":
        if agency_id is not None:
            check_agency(actor, agency_id)
        if commune_id is not None:
            raise ScopeRefused("Tài khoản cơ quan, đơn vị không nhập số liệu cho xã, thị trấn.")
        return None, actor.agency_id
    return commune_id, agency_id


def import_refusal(actor: Actor, kind: str, cluster_communes: set[int | None],
                   agency_ids: set[int], named_communes: set[int]) -> str | None:
    """Why a checked file falls outside the actor's scope (a message), or None when it does not.

    `cluster_communes`: the commune of each cluster the file's rows matched; `agency_ids`: each
    agency matched; `named_communes`: the communes the file's titles or columns name."""
    if kind not in UPLOAD_KINDS.get(actor.role, set()):
        allowed = {"commune": "danh sách người dân hoặc biểu tổng hợp của các thôn, cụm dân cư",
                   "agency": "danh sách cán bộ hoặc biểu tổng hợp của cơ quan mình"}
        return (f"Tài khoản “{actor.username}” không nhập được loại bảng này; tài khoản chỉ nhập "
                f"{allowed.get(actor.role, 'số liệu trong phạm vi của mình')}.")
    if actor.role == "commune":
        if named_communes and actor.commune_id not in named_communes:
            return ("Tiêu đề hoặc cột Xã của tệp ghi một xã, thị trấn khác: tài khoản chỉ nhập được "
                    "số liệu của xã, thị trấn mình. Hãy kiểm tra lại tệp.")
        if cluster_communes - {actor.commune_id} or agency_ids:
            return ("Tệp có dòng thuộc đơn vị ngoài xã, thị trấn của tài khoản: không nhập gì. "
                    "Hãy bỏ các dòng đó rồi tải lên lại.")
    if actor.role == "agency" and (cluster_communes or agency_ids - {actor.agency_id}):
        return ("Tệp có dòng thuộc cơ quan, đơn vị khác: không nhập gì. Hãy bỏ các dòng đó rồi tải "
                "lên lại.")
    return None


def units_in_scope(actor: Actor | None, directory) -> set[tuple[str, str]] | None:
    """The (unit type, code) of the directory's units whose figures the actor may see unit by
    unit: a commune account's clusters, an agency account's agency; None: every unit (an admin, a
    trusted caller). `directory`: a `services.units.UnitDirectory`."""
    if actor is None or actor.role == "admin":
        return None
    if actor.role == "commune":
        return {("cluster", c.code) for c in directory.clusters.values()
                if c.commune_id == actor.commune_id}
    if actor.role == "agency" and actor.agency_id in directory.agencies:
        return {("agency", directory.agencies[actor.agency_id].code)}
    return set()
