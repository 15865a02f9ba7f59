"""Generation time and peak memory on big real-world specs, next to two other generators.

For each document -- GitHub's REST description (``@octokit/openapi`` from npm, 13 MB, when npm
is there) and the largest documents of the shared corpus (``../shared/corpus``) -- three
programs run as child processes of this one, one after the other, on the same machine:

- ``python -m generator generate SPEC --package ... --output ...`` (ours, black's cache off so
  every run formats everything),
- ``openapi-python-client generate`` (installed into ``.tools/openapi-python-client``, a
  throwaway virtual environment, on first use; that environment's ``ruff`` on ``PATH``, which
  its default post-hooks format the output with),
- ``datamodel-codegen`` on the same document (models only, its default formatting).

Wall time is measured around each child; peak memory is the child's ``ru_maxrss`` from
``wait4`` (on Linux the largest resident set of the child and of the worker processes it
waited for), CPU time its user and system time, its workers' included (on a machine busy with
other work, wall time follows the CPU time more than the parallelism). The ratios are ours over
each other tool's wall time; a tool that fails shows its exit code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
CORPUS = _ROOT.parent / "shared" / "corpus"
TOOLS = _ROOT / ".tools"
OPC_VENV = TOOLS / "openapi-python-client"
OPC_REQUIREMENT = "openapi-python-client>=0.29,<0.30"
OCTOKIT = "@octokit/openapi@23"
#: the corpus documents timed, biggest first (those missing are skipped)
CORPUS_SPECS = ("asana_oas.yaml", "digitalocean-bundled.yaml", "openai-openapi.yaml", "mastodon-schema.json")


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    returncode: int
    cpu_seconds: float = 0.0


def measure(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` to completion; its wall time and peak resident memory."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, cpu)  # ru_maxrss: KiB on Linux


def opc_command() -> list[str] | None:
    """openapi-python-client's command, installing it into its own environment if needed."""
    # run as ``python -m``: the console script's first line names the folder the environment
    # was made in, which a worktree that shares ``.tools`` may no longer have
    python = OPC_VENV / "bin" / "python"
    if not (OPC_VENV / "bin" / "openapi-python-client").exists():
        print(f"  installing {OPC_REQUIREMENT} into {OPC_VENV.relative_to(_ROOT)} ...", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(OPC_VENV)], check=True)
            subprocess.run([str(OPC_VENV / "bin" / "python"), "-m", "pip", "install", "-q", OPC_REQUIREMENT], check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"  openapi-python-client unavailable: {exc}")
            shutil.rmtree(OPC_VENV, ignore_errors=True)
            return None
    return [str(python), "-m", "openapi_python_client"]


def github_spec() -> Path | None:
    """GitHub's REST description from npm (``npm pack``), kept in ``.tools``; None without npm."""
    target = TOOLS / "octokit" / "package" / "generated" / "api.github.com.json"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder = TOOLS / "octokit"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        out = subprocess.run([npm, "pack", OCTOKIT, "--silent"], cwd=folder, check=True, capture_output=True, text=True)
        tarball = folder / out.stdout.strip().splitlines()[-1]
        shutil.unpack_archive(tarball, folder)
    except (OSError, subprocess.CalledProcessError, IndexError, ValueError) as exc:
        print(f"  GitHub's description unavailable: {exc}")
        return None
    return target if target.exists() else None


def specs() -> list[Path]:
    found = [CORPUS / name for name in CORPUS_SPECS if (CORPUS / name).exists()]
    github = github_spec()
    return ([github] if github else []) + found


def _cell(run: Run, ours: Run | None = None) -> str:
    if run.returncode != 0:
        return f"{'exit ' + str(run.returncode):>9} {'':>8}"
    text = f"{run.seconds:7.1f} s (cpu {run.cpu_seconds:5.1f} s) {run.peak_mib:5.0f} MiB"
    if ours is not None and ours.returncode == 0:
        text += f" (ours {ours.seconds / run.seconds:4.1f}x)"
    return text


def run() -> None:
    print("generating big specs: wall time, peak memory; ours / other tool in parentheses")
    opc = opc_command()
    # openapi-python-client formats its output with ruff (its default post-hooks) when ruff is on
    # PATH and skips that step otherwise; its environment's ruff is put first, so that it does
    # its whole job, as ours does with black (GitHub's description: 8.8 s without, 11.8 s with)
    opc_env = {**os.environ, "PATH": f"{OPC_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    dmcg = [str(Path(sys.executable).with_name("datamodel-codegen"))]
    env = {**os.environ, "SPECWRIGHT_CACHE": "0"}
    print(f"  {'spec':<28} {'specwright':<33} {'openapi-python-client':<47} {'datamodel-code-generator':<47}")
    for spec in specs():
        with tempfile.TemporaryDirectory(prefix="bench-gen-") as tmp:
            work = Path(tmp)
            ours = measure(
                [sys.executable, "-m", "generator", "generate", str(spec), "--package", "bench_client", "--output", str(work / "ours")],
                _ROOT,
                env,
            )
            cells = [_cell(ours)]
            if opc is not None:
                (work / "opc").mkdir()
                cells.append(_cell(measure([*opc, "generate", "--path", str(spec), "--meta", "none"], work / "opc", opc_env), ours))
            else:
                cells.append("n/a")
            cells.append(
                _cell(
                    measure(
                        [*dmcg, "--input", str(spec), "--input-file-type", "openapi", "--output-model-type", "pydantic_v2.BaseModel", "--output", str(work / "models.py")],
                        work,
                    ),
                    ours,
                )
            )
            print(f"  {spec.name:<28} {cells[0]:<33} {cells[1]:<47} {cells[2]:<47}", flush=True)
