# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi <stage> --help` without importing torch or transformers.

The real parser of a stage is `HfArgumentParser` over its dataclasses, and `TrainingArguments` imports torch
(several seconds). For the help text alone, the same fields are read from the dataclasses' source with `ast`:
names, aliases, types, defaults and help strings. `tests/test_scripts.py` checks that every stage's help lists
exactly the options its real parser accepts, so the two cannot drift apart.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

# Bases that live outside lugpi_hf, by the name our modules import them under, and the module defining them.
_EXTERNAL_CLASSES = {"TrainingArguments": "transformers.training_args"}


@dataclass
class HelpField:
    name: str
    annotation: str
    default: str | None  # None: required
    help: str
    aliases: list[str]
    choices: list[str] | None = None


def _module_file(module: str) -> Path:
    top, _, rest = module.partition(".")
    spec = importlib.util.find_spec(top)  # a top-level spec is found without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"cannot find the package {top!r}")
    base = Path(next(iter(spec.submodule_search_locations)))
    path = base.joinpath(*rest.split(".")) if rest else base
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _literal(node: ast.AST) -> str:
    try:
        return repr(ast.literal_eval(node))
    except ValueError:
        return ast.unparse(node)


def _class_fields(module: str, class_name: str) -> list[HelpField]:
    tree = ast.parse(_module_file(module).read_text(encoding="utf-8"))
    imports: dict[str, str] = {}
    classes: dict[str, ast.ClassDef] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:  # relative to `module`'s package
                package = module.rsplit(".", node.level)[0]
                source = f"{package}.{source}" if source else package
            for alias in node.names:
                imports[alias.asname or alias.name] = source
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = node
    if class_name not in classes:
        raise LookupError(f"no class {class_name} in {module}")
    fields: dict[str, HelpField] = {}
    for base in classes[class_name].bases:
        if not isinstance(base, ast.Name):
            continue
        if base.id in classes:
            base_fields = _class_fields(module, base.id)
        elif base.id in _EXTERNAL_CLASSES:
            base_fields = _class_fields(_EXTERNAL_CLASSES[base.id], base.id)
        elif base.id in imports:
            base_fields = _class_fields(imports[base.id], base.id)
        else:
            continue
        fields.update((field.name, field) for field in base_fields)
    for node in classes[class_name].body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            field = _help_field(node)
            if field is not None:
                fields[field.name] = field
    return list(fields.values())


def _help_field(node: ast.AnnAssign) -> HelpField | None:
    annotation = ast.unparse(node.annotation)
    if annotation.startswith(("ClassVar", "typing.ClassVar")):
        return None
    default, metadata = None, {}
    value = node.value
    if isinstance(value, ast.Call) and ast.unparse(value.func) in ("field", "dataclasses.field"):
        keywords = {keyword.arg: keyword.value for keyword in value.keywords}
        if "init" in keywords and _literal(keywords["init"]) == "False":
            return None
        if "default" in keywords:
            default = _literal(keywords["default"])
        elif "default_factory" in keywords:
            factory = ast.unparse(keywords["default_factory"])
            default = {"list": "[]", "dict": "{}"}.get(factory, f"{factory}()")
        if isinstance(keywords.get("metadata"), ast.Dict):
            for key, item in zip(keywords["metadata"].keys, keywords["metadata"].values):
                try:
                    metadata[ast.literal_eval(key)] = ast.literal_eval(item)
                except ValueError:
                    pass
    elif value is not None:
        default = _literal(value)
    aliases = metadata.get("aliases", [])
    choices = metadata.get("choices")
    if choices is None:
        choices = _literal_choices(node.annotation)
    return HelpField(
        name=node.target.id,
        annotation=annotation,
        default=default,
        help=str(metadata.get("help", "")),
        aliases=[aliases] if isinstance(aliases, str) else list(aliases),
        choices=[str(choice) for choice in choices] if choices else None,
    )


def _literal_choices(annotation: ast.AST) -> list | None:
    """The values of a `Literal[...]` in an annotation (also inside `Literal[...] | None`)."""
    for node in ast.walk(annotation):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("Literal", "typing.Literal"):
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return [ast.literal_eval(item) for item in items]
    return None


def stage_help_fields(dataclass_paths: tuple[str, ...]) -> list[HelpField]:
    """The fields of the dataclasses named `"module:ClassName"`, as `HfArgumentParser` would list them."""
    fields: list[HelpField] = []
    for path in dataclass_paths:
        module, _, class_name = path.partition(":")
        fields.extend(_class_fields(module, class_name))
    return fields


def option_strings(field: HelpField) -> list[str]:
    """The flags `HfArgumentParser` gives a field: `--name`, `--name-with-dashes`, then its aliases."""
    options = [f"--{field.name}"]
    if "_" in field.name:
        options.append(f"--{field.name.replace('_', '-')}")
    return options + [alias for alias in field.aliases if alias not in options]


def help_parser(prog: str, description: str | None, dataclass_paths: tuple[str, ...]) -> argparse.ArgumentParser:
    """An `argparse` parser that only prints the help of the stage whose dataclasses are `dataclass_paths`."""
    parser = argparse.ArgumentParser(
        prog=prog, usage=f"{prog} [OPTIONS]", description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    fields = stage_help_fields(dataclass_paths)
    for field in fields:
        is_bool = field.annotation in ("bool", "bool | None", "Optional[bool]")
        plain = field.annotation.replace(" | None", "").replace("None | ", "")
        metavar = "{" + ",".join(field.choices) + "}" if field.choices else plain.upper()
        suffix = " (required)" if field.default is None else f" (default: {field.default})"
        kwargs = {"help": (field.help + suffix).strip().replace("%", "%%")}
        if is_bool:
            kwargs.update(nargs="?", metavar="true|false")
        else:
            kwargs.update(metavar=metavar.replace("%", "%%"))
        parser.add_argument(*option_strings(field), **kwargs)
        if is_bool and field.default == "True":
            negatives = [f"--no_{field.name}"] + ([f"--no-{field.name.replace('_', '-')}"] if "_" in field.name else [])
            parser.add_argument(*negatives, action="store_true", help=f"Turn --{field.name} off.")
    if any(field.name == "config" for field in fields):
        return parser  # `lugpi run`: its `--config` is the run configuration, a field of its own
    parser.add_argument(
        "--config", metavar="FILE.yaml", help="A YAML file of these options (keys are the option names); options "
        "given on the command line win."
    )  # fmt: skip
    return parser


__all__ = ["help_parser", "option_strings", "stage_help_fields"]
