#!/usr/bin/env python3
"""The GitHub Action's work (action.yml), as a script that runs anywhere git and aksdiag do.

On the head revision checked out in the working folder it runs, each as its own `aksdiag`
command with the Python that runs this script:

1. `aksdiag check PATHS -f sarif` -> OUT/aksdiag.sarif, for code scanning;
2. `aksdiag render PATHS --check --draw-unsupported` (unless --no-render-check): diagrams in the
   repository that are missing or stale;
3. `aksdiag diff BASE HEAD --path PATHS` -> OUT/comment.md and the before/after pictures under
   OUT/pictures/, BASE being the merge base of BASE and HEAD (what the pull request changes).

The render check's verdict is added to the comment. The three exit codes are combined as every
aksdiag command has them (2 bad input, else 1 findings or stale, else 0) and written, with the
files, to $GITHUB_OUTPUT when it is set, so that the Action uploads the SARIF file and posts the
comment before it fails the job. The exit status of this script is that code, unless
--exit-zero (the Action's way of going on to the upload steps).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path


def aksdiag(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aksdiag", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def merge_base(base: str, head: str, cwd: Path) -> str:
    """What a pull request changes is HEAD against where it left BASE; a folder or an unrelated
    history is compared as given."""
    if (cwd / base).is_dir() or (cwd / head).is_dir():
        return base
    proc = subprocess.run(["git", "merge-base", base, head], cwd=cwd, capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else base


def combined(*codes: int) -> int:
    return 2 if 2 in codes else (1 if any(codes) else 0)


def render_section(proc: subprocess.CompletedProcess[str], paths: list[str]) -> str:
    if proc.returncode == 0:
        return "Diagrams: up to date."
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    quoted = " ".join(shlex.quote(p) for p in paths)
    return "\n".join(
        [
            "Diagrams: out of date; run `aksdiag render " + quoted + "` and commit the result.",
            "",
            "```",
            *lines[-40:],
            "```",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    env = os.environ
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default=env.get("AKSDIAG_BASE"), help="base revision or folder")
    ap.add_argument("--head", default=env.get("AKSDIAG_HEAD") or "HEAD", help="head revision or folder")
    ap.add_argument(
        "--paths",
        default=env.get("AKSDIAG_PATHS", "clusters"),
        help="cluster files and folders, separated by spaces or new lines (default: clusters)",
    )
    ap.add_argument("--out", type=Path, default=Path(env.get("AKSDIAG_OUT", "aksdiag-review")))
    ap.add_argument(
        "--fail-on", default=env.get("AKSDIAG_FAIL_ON", "error"), choices=("error", "warning", "note", "never")
    )
    ap.add_argument(
        "--no-render-check",
        action="store_true",
        default=env.get("AKSDIAG_RENDER_CHECK", "true").lower() in ("0", "false", "no"),
    )
    ap.add_argument("--exit-zero", action="store_true", help="exit 0 and leave the verdict in $GITHUB_OUTPUT")
    args = ap.parse_args(argv)
    if not args.base:
        ap.error("give --base (or AKSDIAG_BASE): the revision the pull request goes into")
    cwd = Path.cwd()
    paths = args.paths.split()
    out = args.out if args.out.is_absolute() else cwd / args.out
    out.mkdir(parents=True, exist_ok=True)
    sarif, comment, pictures = out / "aksdiag.sarif", out / "comment.md", out / "pictures"

    checked = aksdiag("check", *paths, "-f", "sarif", "-o", str(sarif), "--fail-on", args.fail_on, cwd=cwd)
    sys.stderr.write(checked.stderr)
    rendered = None
    if not args.no_render_check:
        # Whether the pictures are current, whatever the design says: findings are check's verdict, and a
        # design AKS would refuse is drawn (marked) instead of failing here as bad input. A design without
        # such findings draws the same bytes either way.
        rendered = aksdiag("render", *paths, "--check", "--draw-unsupported", cwd=cwd)
        sys.stderr.write(rendered.stderr)
    if set(args.base) == {"0"}:
        # A push that creates a branch has no commit before it (GitHub sends forty zeros): nothing to compare.
        diffed = subprocess.CompletedProcess([], 0, "", "")
    else:
        base = merge_base(args.base, args.head, cwd)
        scope = [arg for p in paths for arg in ("--path", p)]
        diffed = aksdiag(
            "diff",
            base,
            args.head,
            *scope,
            "-o",
            str(comment),
            "--pictures",
            str(pictures),
            "--fail-on",
            args.fail_on,
            cwd=cwd,
        )
        sys.stderr.write(diffed.stderr)
    if comment.is_file():
        with comment.open("a", encoding="utf-8") as f:
            if rendered is not None:
                f.write("\n" + render_section(rendered, paths) + "\n")
            run = [env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
            if pictures.is_dir() and all(run):
                # The Action uploads them as an artifact of this run; a comment cannot show local files.
                f.write(
                    f"\nBefore and after pictures: the `aksdiag-pictures` artifact of "
                    f"[this run]({run[0]}/{run[1]}/actions/runs/{run[2]}).\n"
                )
    code = combined(checked.returncode, diffed.returncode, rendered.returncode if rendered else 0)
    outputs = {
        "sarif-file": sarif if sarif.is_file() else "",
        "comment-file": comment if comment.is_file() else "",
        "pictures-dir": pictures if pictures.is_dir() else "",
        "check-exit": checked.returncode,
        "diff-exit": diffed.returncode,
        "render-exit": rendered.returncode if rendered else "",
        "exit-code": code,
    }
    if env.get("GITHUB_OUTPUT"):
        with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as f:
            f.writelines(f"{k}={v}\n" for k, v in outputs.items())
    if env.get("GITHUB_STEP_SUMMARY") and comment.is_file():
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as f:
            f.write(comment.read_text(encoding="utf-8"))
    print(
        f"aksdiag review: check {checked.returncode}, render --check "
        f"{rendered.returncode if rendered else 'skipped'}, diff {diffed.returncode} -> exit {code}",
        file=sys.stderr,
    )
    return 0 if args.exit_zero else code


if __name__ == "__main__":
    sys.exit(main())
