"""The `portal` command: options in, one library call, the result out, an exit code.

    portal validate        check every record; list every problem
    portal build           validate → package → pages → site (published only if all pass)
    portal serve           build, then serve site/ on localhost
    portal topics          show which topics the rules give each record
    portal release         keep the built package as the release baseline
    portal extract FILE…   read letters and print the fields found, with evidence
    portal add FILE        keep a letter and write its draft record
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from build_scripts import add, records, release_keep, site, topics
from build_scripts.paths import Paths, relative
from build_scripts.problems import BuildError
from build_scripts.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    paths = Paths(args.root.resolve()) if args.root else Paths()
    try:
        code: int = args.run(args, paths)
        return code
    except BuildError as exc:
        print(f"portal {args.command}: failed; the published site was left as it was.", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the published site was left as it was.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - unknown errors are reported, never swallowed
        if args.debug:
            traceback.print_exc()
        else:
            print(f"portal {args.command}: internal error: {type(exc).__name__}: {exc}\n"
                  "run again with --debug for the traceback, and report it.", file=sys.stderr)
        return 3


def _parser() -> argparse.ArgumentParser:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="portal", description="答复公开: build the portal from the reply records.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    parser.add_argument("--root", type=Path, default=None,
                        help="repository to work on (default: the one this program is in)")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("validate", help="check every record and vocabulary; list every problem")
    p.add_argument("--format", choices=("text", "json", "github"), default="text",
                   help="report format (github: annotations, and a summary in $GITHUB_STEP_SUMMARY)")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("build", help="validate, write the data package and pages, build the site")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.add_argument("--site-budget", type=int, metavar="MB", default=defaults.site_bytes // 1_000_000,
                   help=f"most MB the site may have (default {defaults.site_bytes // 1_000_000}: GitHub Pages' limit; "
                        "raise it for object storage)")
    p.set_defaults(run=cmd_build)

    p = sub.add_parser("serve", help="build, then serve site/ on localhost")
    p.add_argument("--host", default=defaults.host, help=f"address to listen on (default {defaults.host})")
    p.add_argument("--port", type=int, default=defaults.port, help=f"port (default {defaults.port})")
    p.add_argument("--no-build", action="store_true", help="serve the existing site/ without building")
    p.set_defaults(run=cmd_serve)

    p = sub.add_parser("deploy", help="upload the built site/ to S3-compatible storage (OSS, COS): only what changed")
    p.add_argument("--bucket", required=True, help="the bucket serving the site")
    p.add_argument("--endpoint-url", help="the service's S3 endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com "
                                          "(default: AWS); credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    p.add_argument("--prefix", default="", help="folder in the bucket the site lives under (default: its root)")
    p.add_argument("--dry-run", action="store_true", help="print what would be uploaded and deleted, change nothing")
    p.set_defaults(run=cmd_deploy)

    p = sub.add_parser("topics", help="compare each record's topics with what the rules assign")
    p.set_defaults(run=cmd_topics)

    p = sub.add_parser("release", help="keep the built package (site/data) as datasets/releases/<version>/")
    p.set_defaults(run=cmd_release)
    p = sub.add_parser("extract", help="read letters (HTML, .docx, PDF, text) and print the fields found")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="letters as received")
    p.add_argument("--format", choices=("json", "yaml"), default="json",
                   help="json: fields, evidence spans, warnings and cleaned text; yaml: the draft record as saved")
    p.set_defaults(run=cmd_extract)

    p = sub.add_parser("add", help="keep a letter byte for byte and write its draft record")
    p.add_argument("file", type=Path, metavar="FILE",
                   help="the letter as received, or a draft folder (datasets/drafts/…) an earlier add kept")
    p.add_argument("--url", help="web page the letter was taken from")
    p.add_argument("--retrieved", metavar="DATE", help="date the letter was retrieved (YYYY-MM-DD)")
    p.add_argument("--force", action="store_true", help="replace an existing record with the same id")
    _add_given_options(p)
    p.set_defaults(run=cmd_add)
    return parser


def _add_given_options(p: argparse.ArgumentParser) -> None:
    """`portal add` options that give a field the extractor missed or read wrong (see build_scripts/given.py)."""
    g = p.add_argument_group("values from the letter (override or fill in the draft; each change is noted)")
    g.add_argument("--region", metavar="CODE", help="region_code: the agency's GB/T 2260 code (datasets/vocab/regions.yaml)")
    g.add_argument("--kind", metavar="KIND", help="proposal_kind: 建议, 议案 or 提案")
    g.add_argument("--number", metavar="NUMBER", help="proposal_number as the letter writes it (leading zeros kept)")
    g.add_argument("--reply-date", metavar="DATE", help="reply_date: the date signed, YYYY-MM-DD")
    g.add_argument("--agency", metavar="NAME", help="agency: the replying department's full name")
    g.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                   help="any other field, e.g. --set term=14 --set 'proposers=张三、李四' --set signer=null")


def _given(args: argparse.Namespace) -> tuple[dict[str, object], list[str]]:
    from build_scripts import given

    pairs = [(name, getattr(args, option)) for option, name in given.OPTIONS.items()
             if getattr(args, option) is not None]
    errors = [f"--set {item!r}: write FIELD=VALUE" for item in args.set if "=" not in item]
    pairs += [tuple(item.split("=", 1)) for item in args.set if "=" in item]  # type: ignore[misc]
    values, more = given.parse(pairs)
    return values, errors + more


def cmd_validate(args: argparse.Namespace, paths: Paths) -> int:
    dataset = records.load(paths)
    if args.format == "json":
        import json

        print(json.dumps([p.as_dict() for p in dataset.report.problems], ensure_ascii=False, indent=2))
    elif args.format == "github":
        from build_scripts import ci

        print(ci.workflow_commands(dataset.report))
        ci.write_summary(dataset.report, len(dataset.replies))
    else:
        print(dataset.report.render())
        if dataset.report.ok:
            print(f"{len(dataset.replies)} record(s) valid.")
    return 0 if dataset.report.ok else 1


def cmd_deploy(args: argparse.Namespace, paths: Paths) -> int:
    from build_scripts import deploy

    result = deploy.deploy(paths.site, args.bucket, endpoint_url=args.endpoint_url, prefix=args.prefix,
                           dry_run=args.dry_run, log=lambda m: print(m, file=sys.stderr))
    print(("would have " if args.dry_run else "") + result.summary())
    return 0


def cmd_build(args: argparse.Namespace, paths: Paths) -> int:
    log: Callable[[str], None] = (lambda _: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    result = site.build(paths, log=log, settings=dataclasses.replace(Settings(), site_bytes=args.site_budget * 1_000_000))
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    print(f"built {result.replies} replies, {result.pages} pages into {relative(result.site)} ({stages})")
    print(f"site: {result.size.summary()}")
    return 0


def cmd_serve(args: argparse.Namespace, paths: Paths) -> int:
    import functools
    import http.server

    if not args.no_build:
        cmd_build(argparse.Namespace(quiet=False, site_budget=Settings().site_bytes // 1_000_000), paths)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(paths.site))
    with http.server.ThreadingHTTPServer((args.host, args.port), handler) as server:
        print(f"serving {relative(paths.site)} at http://{args.host}:{args.port}/ (Ctrl+C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def cmd_topics(args: argparse.Namespace, paths: Paths) -> int:
    dataset = records.load(paths)
    differ = 0
    for reply in dataset.replies:
        expected = topics.assign(reply.data, dataset.vocab.topics)
        if expected != list(reply["topics"]):
            differ += 1
            print(f"{reply.id}: record {reply['topics']} ≠ rules {expected}")
    print(f"{differ} of {len(dataset.replies)} record(s) differ from the rules.")
    return 0


def cmd_release(args: argparse.Namespace, paths: Paths) -> int:
    kept = release_keep.snapshot_release(paths)
    print(f"kept release {kept.name} in {relative(kept)}; commit it: it is the baseline of the next changelog")
    return 0


def cmd_extract(args: argparse.Namespace, paths: Paths) -> int:
    import json

    if args.format == "json":
        results = add.extract_files(paths, args.files)
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        from build_scripts import yamlio

        results = add.draft_records(paths, args.files)
        docs = [yamlio.dump(r) if "error" not in r else yamlio.dump({"file": r["file"], "error": r["error"]})
                for r in results]
        print("---\n".join(docs), end="")
    failed = [r for r in results if "error" in r]
    for r in failed:
        print(f"portal extract: {r['file']}: {r['error']}", file=sys.stderr)
    if any(r["error"].startswith(add.INTERNAL) for r in failed):
        return 3  # a bug, reported; the other files' results were printed all the same
    return 1 if failed else 0


def cmd_add(args: argparse.Namespace, paths: Paths) -> int:
    values, errors = _given(args)
    if errors:
        print("\n".join(f"not added: {e}" for e in errors) + "\nnothing was written.")
        return 1
    result = add.add(paths, args.file, url=args.url, retrieved=args.retrieved, force=args.force, given=values)
    print(_render_added(result, paths))
    if result.draft is not None:
        print(_render_draft(result, args))
    return 0 if result.written else 1


def _render_required(result: add.Added) -> list[str]:
    from build_scripts import given

    required = given.required_missing(result.record)
    return [f"required but not found (validate refuses null): {', '.join(required)}; fill them in from the letter, "
            "or run add again with --force and --set FIELD=VALUE"] if required else []


def _render_draft(result: add.Added, args: argparse.Namespace) -> str:
    import os
    import shlex

    assert result.draft is not None
    where = os.path.relpath(result.draft) if result.draft.resolve().is_relative_to(Path.cwd()) else str(result.draft)
    root = f" --root {shlex.quote(str(args.root))}" if args.root else ""
    return (f"kept as a draft (not a record yet): {where}/ ({result.record['raw_file']}, reply.yaml)\n"
            "finish it: replace each placeholder with what the letter says (or fill those fields in its reply.yaml) "
            f"and run\n  portal{root} add {shlex.quote(where)} {' '.join(result.needs)}".rstrip())


def _render_added(result: add.Added, paths: Paths) -> str:
    lines: list[str] = []
    if result.written and result.folder is not None:
        lines.append(f"added {result.reply_id}: {relative(result.folder, paths.root)}/ "
                     f"({result.record['raw_file']}, sha256 {result.record['raw_sha256']})")
    for error in result.errors:
        lines.append(f"not added: {error}")
    if result.record:
        lines.append("found:")
        lines += [f"  {k}: {v if not isinstance(v, list) else '、'.join(map(str, v))}" for k, v in result.found.items()]
        lines.append("not found (null in the draft; fill in from the letter or leave null): "
                     + (", ".join(result.missing) or "nothing"))
        lines.append("repaired:" if result.repairs else "repaired: nothing")
        lines += [f"  {n['field']} [{n['kind']}] {n['original']!s} → {n['value']!s}: {n['reason']}" for n in result.repairs]
        lines += [f"warning: {w}" for w in result.warnings]
    if result.written:
        lines += _render_required(result)
        lines.append("next: review the record against the letter, then `portal validate`.")
    return "\n".join(lines)
