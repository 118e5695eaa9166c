# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 1 of LUGPI, *prepare*: a labelled text dataset becomes the `DatasetDict` every later stage reads.

Every split (`train`, `validation`, `test`) has the same four columns:

- `id`: a stable, unique string per row, derived from the source (file name, line number, or row position in
  the source split), never from a shuffle, so two loads give the same ids;
- `text`: what the teacher and the student read;
- `prompt`: what the text-to-image generator reads;
- `label`: a `datasets.ClassLabel` with the class names (-1 where the source has no label, as in the unlabelled
  CWI 2018 test release).

The paper's four datasets have loaders that follow its section 4 (`load_lugpi_dataset("imdb")`,
`"20newsgroups"`, `"cwi-news"`, `"cwi-wikinews"`); any other text-classification dataset, from the Hub or a
local csv/json/parquet file, loads with the names of its text and label columns.
"""

from __future__ import annotations

import csv
import math
import os
import re
import tarfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import datasets
import numpy as np
import regex
from datasets.utils.stratify import stratified_shuffle_split_generate_indices
from transformers.utils import logging

from .dataset_io import _FILE_BUILDERS, check_utf8, load_dataset_dict


logger = logging.get_logger(__name__)

LUGPI_DATASETS = ("imdb", "20newsgroups", "cwi-news", "cwi-wikinews")
# Where the paper's datasets live on the Hub, for users who can reach it (CWI 2018 has no script-free copy).
HUB_DATASET_IDS = {"imdb": "stanfordnlp/imdb", "20newsgroups": "SetFit/20_newsgroups"}
IMDB_LABEL_NAMES = ["neg", "pos"]
CWI_LABEL_NAMES = ["simple", "complex"]
# The paper splits the 18,828-document 20 Newsgroups into 12,614 train+validation and 6,214 test documents:
# a 33% test share, rounded up as scikit-learn's `train_test_split(test_size=0.33)` does.
NEWSGROUPS_18828_TEST_PERCENT = 33
# CLIP's text encoder (Stable Diffusion's) reads 77 tokens, start and end tokens included.
CLIP_MAX_LENGTH = 77
DEFAULT_CLIP_TOKENIZER = "openai/clip-vit-large-patch14"

_SPLITS = ("train", "validation", "test")
_SPLIT_ALIASES = {"dev": "validation", "valid": "validation", "val": "validation"}
_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")


def lugpi_features(label_names: Sequence[str]) -> datasets.Features:
    """The features of a prepared split: `id`, `text`, `prompt` strings and a `ClassLabel` named `label_names`."""
    return datasets.Features(
        {
            "id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "prompt": datasets.Value("string"),
            "label": datasets.ClassLabel(names=list(label_names)),
        }
    )


# ---------------------------------------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------------------------------------

# Only tags that open with a letter or `/`: reviewers also write `<3`, `< Cough >` or `<-----Spoilers----->`,
# which are text.
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# Any run of address characters with an `@` touching a word character or `.+-`: plain addresses, but also the
# mangled ones Usenet is full of (`kem-pmp@`, `sasst11+@.pitt.edu`) and message ids (`<1993Apr5.1@host>`).
# Applied to single words only: run over whole posts, the unanchored pattern is quadratic in long lines.
_EMAIL = re.compile(r"""<?[^\s<>()\[\]{}"',;:]*(?:[\w.+-]@+|@+[\w.-])[^\s<>()\[\]{}"',;:]*>?""")
# What an address leaves behind: `(ann@cs.org)` becomes `( )`.
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|<\s*>|\[\s*\]")
# Header fields are capitalised; quoted or forwarded headers come with prefixes such as `> NMM>From:`.
_NEWSGROUPS_FIELD = re.compile(r"\b(?:From|Subject):")


def _collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def clean_imdb_text(text: str) -> str:
    """
    IMDB cleaning (paper section 4): HTML tags removed (`<br />` becomes a space), whitespace collapsed.

    Example:

    ```python
    >>> clean_imdb_text("Great film.<br /><br />Loved <i>every</i> minute.")
    'Great film. Loved every minute.'
    ```
    """
    return _collapse_whitespace(_HTML_TAG.sub(" ", text))


def clean_newsgroups_text(text: str, *, has_header: bool = True) -> str:
    """
    20 Newsgroups cleaning (paper section 4): the header block (everything up to the first blank line, so
    `From:`, `Subject:` and the other fields), every other line holding a `From:` or `Subject:` field (quoted
    or forwarded headers), and every e-mail address are removed; whitespace is collapsed.

    Args:
        text (`str`):
            A raw post.
        has_header (`bool`, *optional*, defaults to `True`):
            Whether `text` starts with a header block, as the original files do (copies on the Hub do not).

    Example:

    ```python
    >>> clean_newsgroups_text("From: ann@cs.org (Ann)\\nSubject: Re: orbits\\n\\nMail me at ann@cs.org, thanks.")
    'Mail me at , thanks.'
    ```
    """
    text = text.replace("\r\n", "\n")
    if has_header:
        text = text.partition("\n\n")[2]
    if _NEWSGROUPS_FIELD.search(text):
        text = "\n".join(line for line in text.split("\n") if not _NEWSGROUPS_FIELD.search(line))
    words = [_EMAIL.sub(" ", word) if "@" in word else word for word in text.split()]
    return _collapse_whitespace(_EMPTY_BRACKETS.sub(" ", " ".join(words)))


def mark_span(sentence: str, start: int, end: int, sep_token: str = "[SEP]") -> str:
    """
    The CWI input text: `sentence` with the characters `start:end` wrapped by `sep_token` on both sides.

    Example:

    ```python
    >>> mark_span("Both China and the Philippines flexed their muscles.", 31, 51)
    'Both China and the Philippines [SEP] flexed their muscles [SEP].'
    ```
    """
    return f"{sentence[:start]}{sep_token} {sentence[start:end]} {sep_token}{sentence[end:]}"


# ---------------------------------------------------------------------------------------------------------
# Prompts
# ---------------------------------------------------------------------------------------------------------

# CLIP's own pre-tokenizer split (lower-cased input). Byte-pair encoding turns every piece into one or more
# tokens, so counting pieces gives a lower bound of the token count without the tokenizer's files.
_CLIP_PRETOKENIZER = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", regex.IGNORECASE)


def prompt_token_lengths(prompts: Iterable[str], tokenizer=None) -> list[int]:
    """
    How many tokens each prompt takes in the generator's text encoder, start and end tokens included.

    Compare with `CLIP_MAX_LENGTH` (77): CLIP reads no further, so a longer prompt is truncated by the generator.

    Args:
        prompts (`Iterable[str]`):
            The prompts.
        tokenizer (`PreTrainedTokenizerBase`, *optional*):
            The generator's tokenizer (a `CLIPTokenizer`): exact counts. Without it, the counts are a lower bound:
            the pieces of CLIP's pre-tokenizer plus the two special tokens (every piece is at least one token).
    """
    prompts = list(prompts)
    if tokenizer is not None:
        return [len(ids) for ids in tokenizer(prompts, truncation=False)["input_ids"]]
    return [len(_CLIP_PRETOKENIZER.findall(prompt.lower())) + 2 for prompt in prompts]


# ---------------------------------------------------------------------------------------------------------
# Shared machinery
# ---------------------------------------------------------------------------------------------------------

# One row: (id, text, prompt, label).
Record = tuple[str, str, str, int]


def _to_dataset(records: list[Record], label_names: Sequence[str], where: str) -> datasets.Dataset:
    num_empty = sum(1 for record in records if not record[1])
    if records and num_empty == len(records):
        raise ValueError(
            f"{where}: all {len(records):,} texts are empty after cleaning (expected a text in at least one row)."
        )
    if num_empty:
        # Kept, so a split has every row of its source (20 Newsgroups' official sizes): the tokenizers read an empty
        # text, and the generator makes an unconditional image from an empty prompt.
        logger.warning(f"{where}: {num_empty:,} of {len(records):,} rows have an empty text after cleaning; kept.")
    columns = list(zip(*records)) if records else [(), (), (), ()]
    return datasets.Dataset.from_dict(
        {name: list(values) for name, values in zip(("id", "text", "prompt", "label"), columns)},
        features=lugpi_features(label_names),
    )


def _split_off(dataset: datasets.Dataset, num_rows: int, seed: int) -> tuple[datasets.Dataset, datasets.Dataset]:
    """A seeded, label-stratified split of `num_rows` rows off `dataset`: (rest, split off)."""
    if num_rows == 0:
        return dataset, dataset.select([])
    labels = np.asarray(dataset["label"][:])
    try:
        # The indices `dataset.train_test_split(test_size=num_rows, seed=seed, stratify_by_column="label")` picks,
        # without its row-by-row read of the label column (seconds on IMDB).
        rest, held_out = next(
            stratified_shuffle_split_generate_indices(
                labels, len(labels) - num_rows, num_rows, rng=np.random.default_rng(seed)
            )
        )
    except ValueError as error:
        # Stratifying needs two rows of every class and a split of at least one row per class.
        logger.warning(f"Cannot stratify the split by label ({error}); splitting at random instead.")
        permutation = np.random.default_rng(seed).permutation(len(labels))
        held_out, rest = permutation[:num_rows], permutation[num_rows:]
    return dataset.select(rest), dataset.select(held_out)


def _carve_validation(
    train: datasets.Dataset, fraction: float, seed: int
) -> tuple[datasets.Dataset, datasets.Dataset]:
    return _split_off(train, round(len(train) * fraction), seed)


def _natural_key(row_id: str) -> list:
    """Sort key that orders the numbers in ids by value (`neg/2_3` before `neg/10_2`)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", row_id)]


def _is_archive(path: Path) -> bool:
    return path.name.endswith(_ARCHIVE_SUFFIXES)


def _iter_archive(path: Path, pattern: re.Pattern) -> Iterator[tuple[str, re.Match, bytes]]:
    # Members are read in archive order, so a .tar.gz is decompressed once, never extracted to disk.
    with tarfile.open(path, "r:*") as archive:
        for member in archive:
            if member.isfile() and (match := pattern.search(member.name)):
                yield f"{path}:{member.name}", match, archive.extractfile(member).read()


def _iter_tree(root: Path, pattern: re.Pattern) -> Iterator[tuple[str, re.Match, bytes]]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath, filename)
            # Relative to the parent, so the pattern also sees the tree's own folder (`aclImdb`, `20news-18828`).
            if match := pattern.search(path.relative_to(root.parent).as_posix()):
                yield str(path), match, path.read_bytes()


def _iter_source_files(data_dir: str | Path, pattern: re.Pattern, what: str, expected: str):
    """
    `(file name, match of pattern, contents)` for every file of a dataset stored as an extracted tree, as an
    archive of it, or as a folder holding such archives. Raises a `ValueError` where nothing matches.
    """
    path = Path(data_dir)
    found = False
    if path.is_dir():
        for item in _iter_tree(path, pattern):
            found = True
            yield item
        archives = [] if found else sorted(p for p in path.iterdir() if p.is_file() and _is_archive(p))
    elif path.is_file() and _is_archive(path):
        archives = [path]
    else:
        raise ValueError(f"{path}: no such directory or .tar.gz archive (expected {expected}).")
    for archive in archives:
        for item in _iter_archive(archive, pattern):
            found = True
            yield item
    if not found:
        raise ValueError(f"{path}: no {what} found (expected {expected}).")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Latin-1 maps every byte, so old posts in other 8-bit encodings still load (a few letters may be off).
        return data.decode("latin-1")


# ---------------------------------------------------------------------------------------------------------
# IMDB
# ---------------------------------------------------------------------------------------------------------

_IMDB_FILE = re.compile(r"(?:^|/)(?P<split>train|test)/(?P<label>pos|neg)/(?P<number>\d+)_(?P<rating>\d+)\.txt$")
_IMDB_EXPECTED = "aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt, or a .tar.gz of that tree"


def _load_imdb_files(data_dir: str | Path, validation_fraction: float, seed: int) -> datasets.DatasetDict:
    records: dict[str, dict[str, Record]] = {"train": {}, "test": {}}
    files = _iter_source_files(data_dir, _IMDB_FILE, "IMDB reviews", _IMDB_EXPECTED)
    for name, match, data in logging.tqdm(files, desc="Reading IMDB reviews", unit=" files"):
        split, label = match["split"], match["label"]
        row_id = f"{split}/{label}/{match['number']}_{match['rating']}"
        if row_id in records[split]:
            raise ValueError(f"{name}: a second copy of review {row_id} (expected each review once under {data_dir}).")
        text = clean_imdb_text(_decode(data))
        records[split][row_id] = (row_id, text, text, IMDB_LABEL_NAMES.index(label))
    splits = {}
    for split, rows in records.items():
        # Sorted by id (label, then review number), so the order of a tarball's members cannot change the result.
        ordered = sorted(rows.values(), key=lambda record: _natural_key(record[0]))
        splits[split] = _to_dataset(ordered, IMDB_LABEL_NAMES, f"{data_dir} ({split})")
        if not len(splits[split]):
            raise ValueError(f"{data_dir}: no {split} reviews found (expected {_IMDB_EXPECTED}).")
    train, validation = _carve_validation(splits["train"], validation_fraction, seed)
    return datasets.DatasetDict({"train": train, "validation": validation, "test": splits["test"]})


# ---------------------------------------------------------------------------------------------------------
# 20 Newsgroups
# ---------------------------------------------------------------------------------------------------------

_NEWSGROUPS_FILE = re.compile(
    r"(?:^|/)20news-(?:bydate-(?P<split>train|test)|18828)/(?P<group>[^/]+)/(?P<number>\d+)$"
)
_NEWSGROUPS_EXPECTED = (
    "20news-bydate-{train,test}/<group>/<number> or 20news-18828/<group>/<number>, or a .tar.gz of that tree"
)


def _load_newsgroups_files(data_dir: str | Path, validation_fraction: float, seed: int) -> datasets.DatasetDict:
    posts: dict[str, tuple[str, str, str]] = {}  # id -> (split or "" for 18828, group, cleaned text)
    files = _iter_source_files(data_dir, _NEWSGROUPS_FILE, "20 Newsgroups posts", _NEWSGROUPS_EXPECTED)
    for name, match, data in logging.tqdm(files, desc="Reading 20 Newsgroups posts", unit=" files"):
        split = match["split"] or ""
        row_id = "/".join(part for part in (split, match["group"], match["number"]) if part)
        if row_id in posts:
            raise ValueError(f"{name}: a second copy of post {row_id} (expected each post once under {data_dir}).")
        posts[row_id] = (split, match["group"], clean_newsgroups_text(_decode(data)))
    versions = {split for split, _, _ in posts.values()}
    if "" in versions and len(versions) > 1:
        raise ValueError(
            f"{data_dir}: holds both 20news-bydate and 20news-18828 posts (expected one version of the dataset)."
        )
    label_names = sorted({group for _, group, _ in posts.values()})
    records: dict[str, list[Record]] = {}
    for row_id, (split, group, text) in sorted(posts.items(), key=lambda item: _natural_key(item[0])):
        records.setdefault(split, []).append((row_id, text, text, label_names.index(group)))

    if "" in records:
        # 20news-18828 has no official split: the paper's 33% test share, then validation from the rest.
        everything = _to_dataset(records[""], label_names, f"{data_dir} (20news-18828)")
        num_test = math.ceil(len(everything) * NEWSGROUPS_18828_TEST_PERCENT / 100)
        train, test = _split_off(everything, num_test, seed)
    else:
        if set(records) != {"train", "test"}:
            raise ValueError(
                f"{data_dir}: only the {next(iter(records))} split of 20news-bydate found "
                f"(expected {_NEWSGROUPS_EXPECTED})."
            )
        train = _to_dataset(records["train"], label_names, f"{data_dir} (train)")
        test = _to_dataset(records["test"], label_names, f"{data_dir} (test)")
    train, validation = _carve_validation(train, validation_fraction, seed)
    return datasets.DatasetDict({"train": train, "validation": validation, "test": test})


# ---------------------------------------------------------------------------------------------------------
# CWI 2018
# ---------------------------------------------------------------------------------------------------------

_CWI_COLUMNS = 11
_CWI_UNLABELLED_COLUMNS = 7
_CWI_PREFIXES = {"cwi-news": "News", "cwi-wikinews": "WikiNews"}
# WikiNews sentences open with a `#<document>-<sentence> ` marker that is bookkeeping, not language.
_WIKINEWS_MARKER = re.compile(r"#\d+-\d+ ")
# Some releases differ in straight and curly quotes between the sentence and the target column.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def read_cwi_file(path: str | Path, sep_token: str = "[SEP]", *, allow_unlabelled: bool = False) -> datasets.Dataset:
    """
    One CWI 2018 shared-task file (tab-separated, one row per target word or phrase) as a prepared split.

    `text` is the sentence with the target marked by `sep_token` on both sides (see `mark_span`), `prompt` is
    the target word or phrase, `label` the binary column (`simple`/`complex`), `id` is `<file stem>-<line>`.
    WikiNews's `#<doc>-<sentence>` marker is removed from the sentence.

    The file must be UTF-8. A field longer than the `csv` module's field size limit (`csv.field_size_limit()`,
    131,072 characters unless the caller raised it) is an error naming the line: the limit is left as it is,
    since it is global to the process and a sentence that long means a broken file, not a long sentence.

    Args:
        path (`str` or `Path`):
            A TSV file with the 11 columns of the labelled release.
        sep_token (`str`, *optional*, defaults to `"[SEP]"`):
            The marker, the student tokenizer's sep token.
        allow_unlabelled (`bool`, *optional*, defaults to `False`):
            Also accept the 7-column unlabelled test release; its rows get label -1.

    Example:

    ```python
    >>> split = read_cwi_file("cwi2018/english/WikiNews_Dev.tsv")
    >>> split[0]["text"], split[0]["prompt"]
    ```
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file (expected a CWI 2018 tab-separated file).")
    check_utf8(path)
    accepted = (_CWI_COLUMNS, _CWI_UNLABELLED_COLUMNS) if allow_unlabelled else (_CWI_COLUMNS,)
    records: list[Record] = []
    num_columns = None
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in _csv_rows(reader, path):
            if not row:
                continue
            where = f"{path}, line {reader.line_num}"
            if num_columns is None and len(row) in accepted:
                num_columns = len(row)
            if len(row) != (num_columns or accepted[0]):
                expected = num_columns or " or ".join(map(str, accepted))
                raise ValueError(f"{where}: {len(row)} tab-separated columns, expected {expected} (CWI 2018 format).")
            records.append(_cwi_record(row, where, f"{path.stem}-{reader.line_num}", sep_token))
    if not records:
        raise ValueError(f"{path}: no rows (expected CWI 2018 tab-separated rows).")
    if num_columns == _CWI_UNLABELLED_COLUMNS:
        logger.warning(
            f"{path}: 7 columns, the unlabelled CWI 2018 test release: its {len(records)} rows get label -1. "
            "Put the gold-labelled file (11 columns) there to evaluate on it."
        )
    return _to_dataset(records, CWI_LABEL_NAMES, str(path))


def _csv_rows(reader, path: Path) -> Iterator[list[str]]:
    # The csv module's field size limit (131,072 characters) stays as it is: it is global to the process, and a
    # CWI sentence that long means a broken file (a lost line break), not a long sentence.
    try:
        yield from reader
    except csv.Error as error:
        raise ValueError(
            f"{path}, line {reader.line_num}: {error} (expected CWI 2018 rows, one target per line; "
            f"the csv module's field size limit is {csv.field_size_limit():,} characters)."
        ) from None


def _cwi_record(row: list[str], where: str, row_id: str, sep_token: str) -> Record:
    sentence, target = row[1], row[4]
    try:
        start, end = int(row[2]), int(row[3])
    except ValueError:
        raise ValueError(f"{where}: offsets {row[2]!r} and {row[3]!r} (columns 3 and 4), expected integers.") from None
    span = sentence[start:end]
    if not 0 <= start < end <= len(sentence) or span.translate(_QUOTES) != target.translate(_QUOTES):
        raise ValueError(
            f"{where}: characters {start}:{end} of the sentence are {span!r}, "
            f"expected the target {target!r} (column 5)."
        )
    marker = _WIKINEWS_MARKER.match(sentence)
    if marker and start >= marker.end():
        sentence, start, end = sentence[marker.end() :], start - marker.end(), end - marker.end()
    label = -1
    if len(row) == _CWI_COLUMNS:
        if row[9] not in ("0", "1"):
            raise ValueError(f"{where}: binary label {row[9]!r} (column 10), expected 0 or 1.")
        label = int(row[9])
    return row_id, mark_span(sentence, start, end, sep_token), target, label


def _cwi_file_names(name: str) -> dict[str, str]:
    prefix = _CWI_PREFIXES[name]
    return {"train": f"{prefix}_Train.tsv", "validation": f"{prefix}_Dev.tsv", "test": f"{prefix}_Test.tsv"}


def _data_dir_expected(name: str) -> str:
    """What the `data_dir` of the paper's dataset `name` holds, for error messages."""
    if name in _CWI_PREFIXES:
        return f"a folder with the official CWI 2018 files {', '.join(_cwi_file_names(name).values())}"
    return _IMDB_EXPECTED if name == "imdb" else _NEWSGROUPS_EXPECTED


def _load_cwi(name: str, data_dir: str | Path | None, sep_token: str) -> datasets.DatasetDict:
    file_names, expected = _cwi_file_names(name), _data_dir_expected(name)
    if data_dir is None:
        raise ValueError(f"{name}: CWI 2018 has no copy on the Hub; pass data_dir, {expected}.")
    directory = Path(data_dir)
    if not directory.is_dir():
        raise ValueError(f"{directory}: not a directory (expected {expected}).")
    # The official release keeps the English files in an `english/` folder.
    if not (directory / file_names["train"]).exists() and (directory / "english").is_dir():
        directory = directory / "english"
    for split, file_name in file_names.items():
        if not (directory / file_name).is_file():
            hint = (
                " The test file may be the 7-column unlabelled release (label -1) or the gold-labelled one; "
                "to read train and dev alone, use lugpi_hf.data.read_cwi_file."
                if split == "test"
                else ""
            )
            raise ValueError(f"{directory / file_name}: no such file (expected {expected}).{hint}")
    return datasets.DatasetDict(
        {
            split: read_cwi_file(directory / file_name, sep_token, allow_unlabelled=split == "test")
            for split, file_name in file_names.items()
        }
    )


# ---------------------------------------------------------------------------------------------------------
# Any other dataset, and the Hub copies of IMDB and 20 Newsgroups
# ---------------------------------------------------------------------------------------------------------


def _load_table(
    name: str,
    *,
    text_column: str,
    label_column: str,
    prompt_column: str | None,
    validation_fraction: float,
    seed: int,
    clean: Callable[[str], str] = _collapse_whitespace,
    label_names: Sequence[str] | None = None,
) -> datasets.DatasetDict:
    """A Hub dataset or a local csv/json/parquet file with named columns; labels are class names or indices."""
    raw = load_dataset_dict(name)
    splits: dict[str, tuple[str, datasets.Dataset]] = {}  # our split -> (the source's split name, its rows)
    for source_split, dataset in raw.items():
        split = _SPLIT_ALIASES.get(source_split, source_split)
        if split not in _SPLITS or split in splits:
            logger.info(f"{name}: ignoring split {source_split!r} (keeping train, validation and test).")
            continue
        for role, column in (("text", text_column), ("label", label_column), ("prompt", prompt_column)):
            if column is not None and column not in dataset.column_names:
                raise ValueError(
                    f"{name} ({source_split} split): no {role} column {column!r} (columns: {dataset.column_names})."
                )
        if not len(dataset):
            raise ValueError(f"{name} ({source_split} split): no rows (expected a table with a header and rows).")
        splits[split] = (source_split, dataset)
    if "train" not in splits:
        raise ValueError(f"{name}: no train split (splits: {list(raw)}).")

    labels = {split: dataset[label_column][:] for split, (_, dataset) in splits.items()}
    located = {split: f"{name} ({source_split} split)" for split, (source_split, _) in splits.items()}
    _check_labels(labels, located, label_column)
    label_feature = splits["train"][1].features[label_column]
    if label_names is None and isinstance(label_feature, datasets.ClassLabel):
        label_names = label_feature.names
    # Raw labels (strings, or numbers without names): the sorted distinct values become the class names.
    label_index = None if label_names is not None else _label_index(list(labels.values()))
    if label_index is not None:
        label_names = list(label_index)

    prepared = {}
    for split, (source_split, dataset) in splits.items():
        where = located[split]
        prompts = dataset[prompt_column][:] if prompt_column else None
        records = []
        for row, (text, label) in enumerate(zip(dataset[text_column][:], labels[split])):
            if text is not None and not isinstance(text, str):
                raise ValueError(
                    f"{where}, row {row} (counting from 0): {type(text).__name__} {text!r} in text column "
                    f"{text_column!r}, expected a string."
                )
            if label_index is not None:
                label = label_index[str(label)]
            elif not isinstance(label, int) or not -1 <= label < len(label_names):
                raise ValueError(
                    f"{where}, row {row} (counting from 0): label {label!r} in column {label_column!r}, "
                    f"expected a class index below {len(label_names)}."
                )
            text = clean(text or "")
            prompt = text if prompts is None else _collapse_whitespace(prompts[row] or "")
            # Position in the source split: stable for a given file or Hub revision.
            records.append((f"{source_split}-{row}", text, prompt, label))
        prepared[split] = _to_dataset(records, label_names, where)

    num_rows = round(len(prepared["train"]) * validation_fraction)
    if "test" not in prepared:
        logger.warning(f"{name} has no test split: {validation_fraction:.0%} of train becomes the test split.")
        prepared["train"], prepared["test"] = _split_off(prepared["train"], num_rows, seed)
    if "validation" not in prepared:
        prepared["train"], prepared["validation"] = _split_off(prepared["train"], num_rows, seed)
    return datasets.DatasetDict({split: prepared[split] for split in _SPLITS})


def _label_kind(value) -> str | None:
    """`"number"`, `"name"` or `"boolean"`: what kind of class label `value` is; `None` if it is none."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return "name"
        # A CSV column holding both `0` and `pos` comes as strings: `"0"` is still a class index in disguise.
        return "number"
    return None


def _check_labels(labels: dict[str, Sequence], located: dict[str, str], label_column: str) -> None:
    """
    Every row has a label, all of one kind: a missing or NaN label, a list, or `0` beside `"pos"` in one column
    would otherwise become a class of its own.
    """
    first_of_kind: dict[str, tuple[str, int, object]] = {}
    for split, values in labels.items():
        for row, value in enumerate(values):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                raise ValueError(
                    f"{located[split]}, row {row} (counting from 0): no label in column {label_column!r} "
                    f"(empty or NaN; expected a class name or index in every row)."
                )
            kind = _label_kind(value)
            if kind is None:
                raise ValueError(
                    f"{located[split]}, row {row} (counting from 0): label {value!r} in column {label_column!r}, "
                    "expected a class name or index."
                )
            if kind not in first_of_kind:
                first_of_kind[kind] = (split, row, value)
            if len(first_of_kind) > 1:
                first_kind, (first_split, first_row, first_value) = next(iter(first_of_kind.items()))
                there = "" if first_split == split else f" of {located[first_split]}"
                raise ValueError(
                    f"{located[split]}, row {row} (counting from 0): label {value!r} in column {label_column!r} "
                    f"is a {kind}, but row {first_row}{there} has the {first_kind} {first_value!r} "
                    "(expected labels of one type: all class names or all class indices)."
                )


def _label_index(columns: list[Sequence]) -> dict[str, int]:
    values = {value for column in columns for value in column if value is not None}
    numeric = all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values)
    ordered = sorted(values) if numeric else sorted(map(str, values))
    return {str(value): index for index, value in enumerate(ordered)}


def _newsgroups_label_names(name: str) -> list[str]:
    """SetFit/20_newsgroups stores integer labels beside a `label_text` column with the group names."""
    train = datasets.load_dataset(name, split="train")
    names = dict(zip(train["label"], train["label_text"]))
    return [names[index] for index in range(len(names))]


# ---------------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------------


def check_data_dir(name: str, data_dir: str | os.PathLike | None) -> None:
    """
    Raise a one-line `ValueError` where `data_dir` cannot hold the local files of dataset `name`: given for a
    dataset other than the paper's, or a path that does not exist. What is inside is checked as the files are read;
    `lugpi prepare` and `lugpi run` call this while they check their arguments, before anything runs.
    """
    if data_dir is None:
        return
    if name not in LUGPI_DATASETS:
        raise ValueError(
            f"data_dir is for the paper's datasets ({', '.join(LUGPI_DATASETS)}); "
            f"pass the path of {name!r} as the name."
        )
    if not Path(data_dir).exists():
        what = "directory" if name in _CWI_PREFIXES else "directory or .tar.gz archive"
        raise ValueError(f"{data_dir}: no such {what} (expected {_data_dir_expected(name)}).")


def load_lugpi_dataset(
    name: str,
    data_dir: str | os.PathLike | None = None,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    prompt_column: str | None = None,
    sep_token: str = "[SEP]",
    validation_fraction: float = 0.1,
    seed: int = 42,
) -> datasets.DatasetDict:
    """
    Load a text-classification dataset as LUGPI's stages read it: `train`, `validation` and `test` splits with
    `id`, `text`, `prompt` and `label` (`ClassLabel`) columns.

    The paper's datasets (section 4):

    - `"imdb"`: `stanfordnlp/imdb` from the Hub, or with `data_dir` a local `aclImdb` folder, its parent, its
      `.tar.gz`, or a folder holding that archive (read as a stream, never extracted). HTML tags are removed
      (`<br />` becomes a space). Labels `neg`, `pos`; ids `train/pos/0_9` (split, label, file name).
    - `"20newsgroups"`: `SetFit/20_newsgroups` from the Hub (scikit-learn's bydate copy, with headers,
      signatures and quotes already removed), or with `data_dir` a local `20news-bydate` (train and test) or
      `20news-18828` tree, its `.tar.gz`, or a folder holding it. The header block (`From:`, `Subject:`, ...),
      quoted `From:`/`Subject:` lines and e-mail addresses are removed (see `clean_newsgroups_text`); files that
      are not UTF-8 are read as latin-1. Labels: the 20 group names, sorted; ids `train/alt.atheism/49960`.
      20news-18828 has no official split: 33% becomes the test split and 10% of the rest validation, the
      paper's 11,353 / 1,261 / 6,214; 20news-bydate gives 10,183 / 1,131 / 7,532 (its 11,314 train posts split).
    - `"cwi-news"`, `"cwi-wikinews"`: `data_dir` is a folder with the CWI 2018 files (`News_Train.tsv`,
      `News_Dev.tsv`, `News_Test.tsv`, or `WikiNews_*`), read by `read_cwi_file`: one row per target, the target
      marked by `sep_token` in `text`, the target alone as `prompt`, labels `simple`, `complex`. The official
      train, dev and test files are the three splits. A 7-column (unlabelled) test file gives label -1.

    For IMDB and 20 Newsgroups, `validation` is a seeded, label-stratified `validation_fraction` of the
    official train split. Their `prompt` is the cleaned text itself: the generator's CLIP text encoder reads its
    first 77 tokens (about 50 to 60 words) and truncates the rest.

    Any other `name` is a Hub dataset id (`owner/name`) or a local csv/json/parquet file or folder (see
    `lugpi_hf.dataset_io.load_dataset_dict`); `text_column` and `label_column` say which columns to read, and
    `prompt_column` (default: the text) what the generator reads. Labels may be a `ClassLabel`, class names, or
    numbers (their sorted values become the names). Splits named `dev`, `valid` or `val` count as validation; a missing
    validation or test split is carved off train (`validation_fraction` each). Ids are `<source split>-<row>`.

    Rows whose text is empty after cleaning are kept (every split has all the rows of its source), and their number
    is logged as a warning; a split whose texts are all empty is a `ValueError`. So are a missing or NaN label,
    labels of two types in one column (`0` beside `"pos"`), and a local file that is not UTF-8 or a Parquet file
    that cannot be read: each names the file, and the row, line and column where there is one.

    Args:
        name (`str`):
            `"imdb"`, `"20newsgroups"`, `"cwi-news"`, `"cwi-wikinews"`, a Hub dataset id or a local path.
        data_dir (`str` or `os.PathLike`, *optional*):
            Local files of one of the paper's datasets (required for CWI); without it IMDB and 20 Newsgroups come
            from the Hub.
        text_column (`str`, *optional*):
            The text column of any other dataset (required there).
        label_column (`str`, *optional*):
            The label column of any other dataset (required there).
        prompt_column (`str`, *optional*):
            The column to use as `prompt` for any other dataset; defaults to the text.
        sep_token (`str`, *optional*, defaults to `"[SEP]"`):
            The marker around the CWI target: the student tokenizer's sep token (`</s>` for RoBERTa).
        validation_fraction (`float`, *optional*, defaults to 0.1):
            The share of train held out for validation where the dataset has no validation split.
        seed (`int`, *optional*, defaults to 42):
            Seed of the validation (and 20news-18828 test) split.

    Example:

    ```python
    >>> from lugpi_hf.data import load_lugpi_dataset
    >>> imdb = load_lugpi_dataset("imdb", "data/aclImdb_v1.tar.gz")
    >>> cwi = load_lugpi_dataset("cwi-news", "data/cwi2018/english", sep_token="[SEP]")
    >>> reviews = load_lugpi_dataset("reviews.csv", text_column="review", label_column="stars")
    ```
    """
    if not 0 <= validation_fraction < 1:
        raise ValueError(f"validation_fraction is {validation_fraction}, expected a share in [0, 1).")
    check_data_dir(name, data_dir)
    if name in LUGPI_DATASETS:
        if text_column or label_column or prompt_column:
            logger.warning(
                f"{name}: text_column, label_column and prompt_column are ignored for the paper's datasets."
            )
        if name in _CWI_PREFIXES:
            dataset = _load_cwi(name, data_dir, sep_token)
        elif data_dir is not None:
            load_files = _load_imdb_files if name == "imdb" else _load_newsgroups_files
            dataset = load_files(data_dir, validation_fraction, seed)
        else:
            hub_id, is_imdb = HUB_DATASET_IDS[name], name == "imdb"
            dataset = _load_table(
                hub_id, text_column="text", label_column="label", prompt_column=None,
                validation_fraction=validation_fraction, seed=seed,
                clean=clean_imdb_text if is_imdb else lambda text: clean_newsgroups_text(text, has_header=False),
                label_names=None if is_imdb else _newsgroups_label_names(hub_id),
            )  # fmt: skip
    else:
        is_local = Path(name).exists() or Path(name).suffix in _FILE_BUILDERS
        if not is_local and "/" not in name:
            raise ValueError(
                f"Unknown dataset {name!r}: expected one of {', '.join(LUGPI_DATASETS)}, a Hub dataset id "
                "(owner/name) or a local csv/json/parquet file."
            )
        if text_column is None or label_column is None:
            raise ValueError(f"{name}: pass text_column and label_column, the names of its text and label columns.")
        dataset = _load_table(
            name, text_column=text_column, label_column=label_column, prompt_column=prompt_column,
            validation_fraction=validation_fraction, seed=seed,
        )  # fmt: skip
    logger.info(f"{name}: " + ", ".join(f"{split} {len(rows):,}" for split, rows in dataset.items()) + " rows.")
    return dataset


__all__ = [
    "CLIP_MAX_LENGTH",
    "CWI_LABEL_NAMES",
    "DEFAULT_CLIP_TOKENIZER",
    "HUB_DATASET_IDS",
    "IMDB_LABEL_NAMES",
    "LUGPI_DATASETS",
    "clean_imdb_text",
    "clean_newsgroups_text",
    "load_lugpi_dataset",
    "lugpi_features",
    "mark_span",
    "prompt_token_lengths",
    "read_cwi_file",
]
