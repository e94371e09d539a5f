"""Command line: the same service functions the pages call (see ../shared/spec/cli.md).

    python cli.py import FILE... [--kind K] [--commune X] [--agency Y] [--as-of D] [--dry-run] [--json]
    python cli.py progress [--as-of D] [--json]
    python cli.py undo UPLOAD_ID
    python cli.py export [--as-of D] FILE.xlsx
    python cli.py rebuild
    python cli.py demo
    python cli.py user add USERNAME --role leader|admin|commune|agency [--commune X] [--agency Y]
    python cli.py user reset-password USERNAME [--random]
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, in Vietnamese
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"Lỗi cú pháp: {message}\n")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày “{text}” không đúng dạng YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python cli.py", description="Theo dõi chiến dịch cài đặt iHaNoi.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    imp = commands.add_parser("import", help="nhập bảng tính")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--kind", choices=["units", "residents", "staff", "counts", "accounts"])
    imp.add_argument("--commune")
    imp.add_argument("--agency")
    imp.add_argument("--as-of", type=_date)
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--json", action="store_true")
    imp.add_argument("--user", default=None, help="người nhập (mặc định: tài khoản hệ điều hành)")

    prog = commands.add_parser("progress", help="số liệu tiến độ")
    prog.add_argument("--as-of", type=_date)
    prog.add_argument("--json", action="store_true")

    undo = commands.add_parser("undo", help="hoàn tác một lần nhập")
    undo.add_argument("upload_id", type=int, metavar="UPLOAD_ID")

    commands.add_parser("demo", help="tạo dữ liệu mẫu huyện Đan Phượng")

    commands.add_parser("rebuild", help="tính lại bảng tổng hợp theo ngày từ dữ liệu gốc")

    export = commands.add_parser("export", help="ghi báo cáo Excel gửi thành phố")
    export.add_argument("file", metavar="FILE.xlsx")
    export.add_argument("--as-of", type=_date, help="mặc định: ngày báo cáo mới nhất")

    user = commands.add_parser("user", help="tài khoản")
    user_commands = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    add = user_commands.add_parser("add", help="tạo tài khoản")
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", required=True, choices=["leader", "admin", "commune", "agency"])
    add.add_argument("--commune")
    add.add_argument("--agency")
    reset = user_commands.add_parser("reset-password", help="đặt lại mật khẩu, mở khóa tài khoản")
    reset.add_argument("username", metavar="USERNAME")
    reset.add_argument("--random", action="store_true", help="tạo mật khẩu ngẫu nhiên, in một lần")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "import":  # the reader's fork server starts while the rest is imported
        from importers.isolated import warm_up
        warm_up()
    from settings import check
    check()
    from db import migrate
    migrate()
    handler = {"import": cmd_import, "progress": cmd_progress, "undo": cmd_undo,
               "demo": cmd_demo, "user": cmd_user, "export": cmd_export, "rebuild": cmd_rebuild}[args.command]
    return handler(args)


def cmd_import(args) -> int:
    from services.imports import ImportOutcome, import_file
    username = args.user or f"cli:{getpass.getuser()}"
    outcomes = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            outcomes.append(ImportOutcome(path.name, "refused", f"Không tìm thấy tệp “{name}”."))
            continue
        outcomes.append(import_file(path.read_bytes(), path.name, kind=args.kind,
                                    commune=args.commune, agency=args.agency, as_of=args.as_of,
                                    dry_run=args.dry_run, preview=args.dry_run,
                                    username=username))
        if not args.json:
            _print_outcome(outcomes[-1])
    if args.json:
        json.dump([o.as_json() for o in outcomes], sys.stdout, ensure_ascii=False, indent=1)
        print()
    return EXIT_REFUSED if any(o.refused for o in outcomes) else EXIT_OK


def _print_outcome(outcome) -> None:
    from services.imports import STATUS_LABELS
    print(f"{outcome.file}: {STATUS_LABELS[outcome.status]}. {outcome.message}")
    if outcome.kind:
        print(f"  loại: {outcome.kind}; ngày báo cáo: {outcome.as_of}; đọc {outcome.rows_read}, "
              f"nhận {outcome.rows_accepted}, từ chối {outcome.rows_rejected}"
              + (f"; lần nhập số {outcome.upload_id}" if outcome.upload_id else ""))
    for note in outcome.notes:
        print(f"  ghi chú: {note}")
    for caution in outcome.cautions:
        print(f"  cần kiểm tra trước khi nhập: {caution}")
    for label, problems in (("lỗi", outcome.errors), ("cảnh báo", outcome.warnings)):
        for p in problems[:50]:
            print(f"  {label} [{p.sheet}!{p.row or ''}] {p.column or ''}: {p.message} ({p.code})")
        if len(problems) > 50:
            print(f"  … và {len(problems) - 50} {label} khác")


def cmd_progress(args) -> int:
    from services.progress import progress
    figures = progress(args.as_of)
    if args.json:
        json.dump(figures.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return EXIT_OK
    print(f"Số liệu tính đến ngày {figures.as_of:%d/%m/%Y}")
    for c in figures.campaigns:
        pct = 100 * c.registered / c.denominator if c.denominator else 0
        print(f"  {c.name}: {c.registered}/{c.denominator} đã tạo tài khoản ({pct:.1f}%), "
              f"hạn {c.deadline:%d/%m/%Y}")
    return EXIT_OK


def cmd_undo(args) -> int:
    from services.uploads import UndoRefused, undo_upload
    try:
        print(undo_upload(args.upload_id, username=f"cli:{getpass.getuser()}"))
    except UndoRefused as refusal:
        print(refusal, file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_demo(args) -> int:
    from services.demo import DemoRefused, create_demo
    try:
        accounts = create_demo(progress_callback=lambda text: print(text, file=sys.stderr))
    except DemoRefused as refusal:
        print(refusal, file=sys.stderr)
        return EXIT_FAILED
    print("Tài khoản mẫu (mật khẩu chỉ hiện một lần):")
    for username, role, password in accounts:
        print(f"  {username:<16} {role:<8} {password}")
    return EXIT_OK


def cmd_rebuild(args) -> int:
    from services.aggregates import rebuild_all
    rebuild_all()
    print("Đã tính lại bảng tổng hợp theo đơn vị và ngày từ dữ liệu gốc.")
    return EXIT_OK


def cmd_export(args) -> int:
    from services.city_report import write_workbook
    try:
        as_of = write_workbook(Path(args.file), args.as_of)
    except OSError as error:
        print(f"Không ghi được tệp “{args.file}”: {error.strerror}.", file=sys.stderr)
        return EXIT_FAILED
    print(f"Đã ghi báo cáo {args.file}, số liệu tính đến ngày {as_of:%d/%m/%Y}.")
    return EXIT_OK


def _read_password() -> str | None:
    """Twice from a terminal (None when the two differ), once from stdin otherwise."""
    if sys.stdin.isatty():
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            print("Hai lần nhập mật khẩu không khớp.", file=sys.stderr)
            return None
        return password
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args) -> int:
    from services.auth import AccountError, create_user
    if args.user_command == "reset-password":
        return cmd_reset_password(args)
    password = _read_password()
    if password is None:
        return EXIT_USAGE
    try:
        create_user(args.username, password, args.role, commune=args.commune, agency=args.agency)
    except AccountError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED
    print(f"Đã tạo tài khoản {args.username} ({args.role}).")
    return EXIT_OK


def cmd_reset_password(args) -> int:
    """The admin page's service (services.accounts.reset_password), as an admin named `cli:USER`."""
    from services.accounts import reset_password
    from services.auth import AccountError, Actor
    password = None if args.random else _read_password()
    if password is None and not args.random:
        return EXIT_USAGE
    try:
        password = reset_password(Actor(f"cli:{getpass.getuser()}", "admin"), args.username,
                                  password=password)
    except AccountError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED
    print(f"Đã đặt lại mật khẩu tài khoản {args.username.strip()} và mở khóa.")
    if args.random:
        print(f"Mật khẩu mới (chỉ hiện một lần): {password}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
