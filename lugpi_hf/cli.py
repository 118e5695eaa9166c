# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The `lugpi` command line: a thin dispatcher over the stage scripts in `lugpi_hf.scripts`.

    lugpi COMMAND [OPTIONS]              runs lugpi_hf.scripts.<command> in this process
    lugpi COMMAND --num_processes N ...  relaunches it through `accelerate launch -m lugpi_hf.scripts.<command>`
    lugpi COMMAND --help                 its options, read from its dataclasses without importing torch
    lugpi --debug COMMAND ...            a traceback instead of the one-line error (or LUGPI_DEBUG=1)

`lugpi run --num_processes N` is different: the orchestration stays in one process, and each generation and
training stage runs across N processes.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from types import ModuleType

from .errors import debug_requested, one_line_error
from .scripts import STAGE_MODULES

COMMANDS: dict[str, str] = {module.replace("_", "-"): module for module in [*STAGE_MODULES, "env"]}

# `accelerate launch` options that make `lugpi <stage>` relaunch the stage, with whether each takes a value.
ACCELERATE_OPTIONS = {
    "--num_processes": True, "--num_machines": True, "--machine_rank": True, "--main_process_ip": True,
    "--main_process_port": True, "--mixed_precision": True, "--config_file": True, "--gpu_ids": True,
    "--dynamo_backend": True, "--num_cpu_threads_per_process": True, "--rdzv_backend": True,
    "--multi_gpu": False, "--cpu": False, "--same_network": False,
}  # fmt: skip


def _script(command: str) -> ModuleType:
    return importlib.import_module(f"lugpi_hf.scripts.{COMMANDS[command]}")


def _overview() -> str:
    lines = [
        "usage: lugpi [--debug] COMMAND [OPTIONS]",
        "",
        "LUGPI: learning using generated privileged information, stage by stage.",
        "",
        "commands:",
    ]
    for command in COMMANDS:
        lines.append(f"  {command:<15}{_script(command).HELP}")
    lines += [
        "",
        "Each command takes --config FILE.yaml (keys are its options) and --help. A generation or training",
        "command relaunches itself through `accelerate launch` with --num_processes N (and the other launch",
        "options); `python -m lugpi_hf.scripts.<command>` and `accelerate launch -m lugpi_hf.scripts.<command>`",
        "run the same code. --debug (or LUGPI_DEBUG=1) shows tracebacks instead of one-line errors.",
    ]
    return "\n".join(lines)


def _split_launch_options(argv: list[str]) -> tuple[list[str], list[str]]:
    """`argv` split into `accelerate launch` options and the stage's own."""
    launch, rest = [], []
    index = 0
    while index < len(argv):
        option, equals, _ = argv[index].partition("=")
        option = option.replace("-", "_").replace("__", "--", 1)
        if option in ACCELERATE_OPTIONS:
            takes_value = ACCELERATE_OPTIONS[option] and not equals
            launch.extend(argv[index : index + 1 + takes_value])
            index += 1 + takes_value
        else:
            rest.append(argv[index])
            index += 1
    return launch, rest


def _fast_help(command: str) -> str:
    from .scripts.fast_help import help_parser

    script = _script(command)
    if not script.DATACLASSES:
        return script.make_parser().format_help()
    help_text = help_parser(f"lugpi {command}", script.__doc__, script.DATACLASSES).format_help()
    if COMMANDS[command] in ("generate", "train_teacher", "distill", "baseline", "image_only"):
        help_text += (
            "\nSeveral GPUs or processes: --num_processes N (and any other `accelerate launch` option) relaunches "
            f"this command through `accelerate launch -m lugpi_hf.scripts.{COMMANDS[command]}`.\n"
        )
    return help_text


def run_stage(script: ModuleType, argv: list[str], *, debug: bool = False) -> int:
    """Parse `argv` with the script's parser, run its `main`, and turn any failure into one line on stderr."""
    prog = f"lugpi {script.COMMAND}"
    try:
        parser = script.make_parser()
        parser.prog = prog
        if hasattr(parser, "parse_args_and_config"):
            arguments = parser.parse_args_and_config(argv)
        else:
            arguments = (parser.parse_args(argv),)
        _register_auto_classes()
        script.main(*arguments)
        return 0
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except SystemExit:
        raise
    except Exception as error:  # every failure reaches the user as one line, unless asked for the traceback
        if debug or debug_requested():
            raise
        print(f"{prog}: error: {one_line_error(error)}", file=sys.stderr)
        return 1


def _register_auto_classes() -> None:
    # `import lugpi_hf` registers the teacher with the Auto classes; the CLI defers it until a stage runs.
    import lugpi_hf

    lugpi_hf.register_auto_classes()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv[:1]
    if debug:
        argv = argv[1:]
    if not argv or argv[0] in ("-h", "--help"):
        print(_overview())
        return 0 if argv else 2
    if argv[0] == "--version":
        from importlib.metadata import version

        print(f"lugpi_hf {version('lugpi_hf')}")
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS and command.replace("_", "-") in COMMANDS:
        command = command.replace("_", "-")
    if command not in COMMANDS:
        print(f"lugpi: error: unknown command {command!r}; expected one of {', '.join(COMMANDS)} (lugpi --help).",
              file=sys.stderr)  # fmt: skip
        return 2
    if "--debug" in rest:
        debug, rest = True, [token for token in rest if token != "--debug"]
    if "-h" in rest or "--help" in rest:
        print(_fast_help(command))
        return 0
    script = _script(command)
    launch, rest = _split_launch_options(rest) if COMMANDS[command] != "run" else ([], rest)
    if launch:
        return _relaunch(script, launch, rest, debug)
    return run_stage(script, rest, debug=debug)


def _relaunch(script: ModuleType, launch: list[str], rest: list[str], debug: bool) -> int:
    """`accelerate launch [launch options] -m lugpi_hf.scripts.<stage> [stage options]`, its exit status."""
    module = script.__name__
    if module.rsplit(".", 1)[-1] not in ("generate", "train_teacher", "distill", "baseline", "image_only"):
        print(f"lugpi {script.COMMAND}: error: {' '.join(launch)} is for the generation and training commands; "
              f"{script.COMMAND} runs in one process.", file=sys.stderr)  # fmt: skip
        return 2
    command = [sys.executable, "-m", "accelerate.commands.launch", *_launch_defaults(launch), "-m", module, *rest]
    env = {**os.environ, "LUGPI_DEBUG": "1"} if debug else None
    return subprocess.run(command, env=env).returncode


def _launch_defaults(launch: list[str]) -> list[str]:
    """
    `launch` plus `--multi_gpu` where several processes are asked for and nothing says how to run them: without
    it, `accelerate launch --num_processes 2` on a machine without GPUs starts processes that never form a group
    (`--cpu` starts one), while `--multi_gpu` gives one torchrun group (NCCL on GPUs, gloo on CPUs).
    """
    from accelerate.commands.config import default_config_file

    options = {token.partition("=")[0].replace("-", "_").replace("__", "--", 1) for token in launch}
    values = dict(zip(launch, launch[1:]))
    processes = next((values[o] for o in ("--num_processes", "--num-processes") if o in values), "1")
    explicit = options & {"--multi_gpu", "--cpu", "--config_file"} or os.path.isfile(default_config_file)
    return [*launch, "--multi_gpu"] if int(processes) > 1 and not explicit else launch


if __name__ == "__main__":
    sys.exit(main())
