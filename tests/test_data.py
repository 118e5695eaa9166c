# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 1, prepare: the paper's datasets on the real files in ../shared/data, any other dataset, bad input."""

import logging
import re
import tarfile

import datasets
import pytest

from lugpi_hf.data import (
    CWI_LABEL_NAMES,
    IMDB_LABEL_NAMES,
    clean_imdb_text,
    clean_newsgroups_text,
    load_lugpi_dataset,
    mark_span,
    prompt_token_lengths,
    read_cwi_file,
)
from lugpi_hf.testing import get_tiny_tokenizer


# An address in the usual shape, independent of the loader's own (broader) pattern.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HTML_TAG = re.compile(r"</?(?:br|i|b|u|p|em|hr|a|div|span|strong)\b[^>]*>", re.IGNORECASE)
NEWSGROUPS = [
    "alt.atheism", "comp.graphics", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware", "comp.sys.mac.hardware",
    "comp.windows.x", "misc.forsale", "rec.autos", "rec.motorcycles", "rec.sport.baseball", "rec.sport.hockey",
    "sci.crypt", "sci.electronics", "sci.med", "sci.space", "soc.religion.christian", "talk.politics.guns",
    "talk.politics.mideast", "talk.politics.misc", "talk.religion.misc",
]  # fmt: skip


def _empty_texts(caplog, where: str) -> tuple[int, int]:
    """(empty, total) from the loader's warning about the empty texts it kept in `where`."""
    for record in caplog.records:
        match = re.search(r"([\d,]+) of ([\d,]+) rows have an empty text after cleaning; kept", record.getMessage())
        if match and where in record.getMessage():
            return int(match[1].replace(",", "")), int(match[2].replace(",", ""))
    return 0, 0


def _label_counts(split: datasets.Dataset) -> dict[str, int]:
    names = split.features["label"].names
    labels = split["label"][:]
    return {name: labels.count(index) for index, name in enumerate(names)}


def _cwi_folder(tmp_path, shared_data, prefix="News", gold_test=True):
    """A folder with the official file names: train and dev from english/, the test gold or unlabelled."""
    folder = tmp_path / "cwi"
    folder.mkdir()
    english = shared_data / "cwi2018" / "english"
    for stem in ("Train", "Dev"):
        (folder / f"{prefix}_{stem}.tsv").symlink_to(english / f"{prefix}_{stem}.tsv")
    test = shared_data / "cwi2018" / ("test_gold_reconstructed" if gold_test else "english") / f"{prefix}_Test.tsv"
    (folder / f"{prefix}_Test.tsv").symlink_to(test)
    return folder


# ---------------------------------------------------------------------------------------------------------
# CWI 2018 on the real files
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, rows, simple, complex_",
    [
        ("english/News_Train.tsv", 14_002, 8_459, 5_543),
        ("english/News_Dev.tsv", 1_764, 1_068, 696),
        ("english/WikiNews_Train.tsv", 7_746, 4_530, 3_216),
        ("english/WikiNews_Dev.tsv", 870, 517, 353),
        ("test_gold_reconstructed/News_Test.tsv", 2_095, 1_293, 802),
    ],
)
def test_cwi_files_rows_and_labels(shared_data, path, rows, simple, complex_):
    split = read_cwi_file(shared_data / "cwi2018" / path)
    assert len(split) == rows
    assert _label_counts(split) == {"simple": simple, "complex": complex_}
    assert len(set(split["id"])) == rows


def test_cwi_unlabelled_test_release(shared_data, caplog):
    path = shared_data / "cwi2018" / "english" / "News_Test.tsv"
    with pytest.raises(ValueError, match=r"News_Test\.tsv, line 1: 7 tab-separated columns, expected 11"):
        read_cwi_file(path)
    with caplog.at_level(logging.WARNING):
        split = read_cwi_file(path, allow_unlabelled=True)
    assert len(split) == 2_095
    assert set(split["label"]) == {-1}
    assert "label -1" in caplog.text


def test_cwi_news_has_the_paper_splits(shared_data, tmp_path):
    cwi = load_lugpi_dataset("cwi-news", _cwi_folder(tmp_path, shared_data))
    assert {split: len(rows) for split, rows in cwi.items()} == {"train": 14_002, "validation": 1_764, "test": 2_095}
    assert cwi["train"].features["label"].names == CWI_LABEL_NAMES
    assert _label_counts(cwi["test"]) == {"simple": 1_293, "complex": 802}
    assert cwi["train"][0]["id"] == "News_Train-1"


def test_cwi_news_with_the_unlabelled_test_file(shared_data, caplog):
    # The official english/ folder as shipped: train and dev labelled, test the 7-column release.
    with caplog.at_level(logging.WARNING):
        cwi = load_lugpi_dataset("cwi-news", shared_data / "cwi2018")
    assert [len(cwi[split]) for split in ("train", "validation", "test")] == [14_002, 1_764, 2_095]
    assert set(cwi["test"]["label"]) == {-1}
    assert "News_Test.tsv: 7 columns" in caplog.text


def test_cwi_wikinews_without_its_test_file_names_it(shared_data):
    with pytest.raises(ValueError, match=r"english/WikiNews_Test\.tsv: no such file .*read_cwi_file"):
        load_lugpi_dataset("cwi-wikinews", shared_data / "cwi2018" / "english")


def test_cwi_sep_marks_single_and_multi_word_targets(shared_data):
    wikinews = read_cwi_file(shared_data / "cwi2018" / "english" / "WikiNews_Train.tsv")
    by_id = {row["id"]: row for row in wikinews}
    sentence = (
        "Guatemalan Supreme Court approves impeachment of President Molina Yesterday in Guatemala, the Supreme "
        "Court approved the attorney general's request to impeach President Otto Pérez Molina."
    )
    single, multi = by_id["WikiNews_Train-1"], by_id["WikiNews_Train-5"]
    assert single["prompt"] == "Guatemalan"
    assert single["text"] == "[SEP] Guatemalan [SEP]" + sentence[len("Guatemalan") :]
    assert multi["prompt"] == "approves impeachment"
    assert multi["text"] == sentence.replace("approves impeachment", "[SEP] approves impeachment [SEP]", 1)
    # The `#37-1 ` marker is gone from every sentence; the quote-mismatched row (line 118) loads.
    assert not any(text.startswith("#") for text in wikinews["text"])
    assert "it[SEP] ’s [SEP]" in by_id["WikiNews_Train-118"]["text"]

    news = read_cwi_file(shared_data / "cwi2018" / "english" / "News_Train.tsv", sep_token="</s>")
    for row in news:
        _, target, _ = row["text"].split("</s>")
        assert target == f" {row['prompt']} "
    assert sum(" " in prompt for prompt in news["prompt"]) == 2_053  # multi-word targets


def test_cwi_ids_are_stable_across_loads(shared_data, tmp_path):
    folder = _cwi_folder(tmp_path, shared_data)
    first, second = load_lugpi_dataset("cwi-news", folder), load_lugpi_dataset("cwi-news", folder)
    all_ids = [row_id for split in first.values() for row_id in split["id"]]
    assert len(set(all_ids)) == len(all_ids) == 14_002 + 1_764 + 2_095
    for split in first:
        assert first[split]["id"][:] == second[split]["id"][:]
        assert first[split]["text"][:] == second[split]["text"][:]


# ---------------------------------------------------------------------------------------------------------
# IMDB and 20 Newsgroups on the real archives
# ---------------------------------------------------------------------------------------------------------


def test_imdb_from_the_real_tarball(shared_data):
    imdb = load_lugpi_dataset("imdb", shared_data / "imdb")  # the folder holding aclImdb_train_test.tar.gz
    assert len(imdb["train"]) + len(imdb["validation"]) == 25_000
    assert len(imdb["validation"]) == 2_500
    assert len(imdb["test"]) == 25_000
    assert _label_counts(imdb["test"]) == {"neg": 12_500, "pos": 12_500}
    assert _label_counts(imdb["validation"]) == {"neg": 1_250, "pos": 1_250}  # stratified
    assert imdb["train"].features["label"].names == IMDB_LABEL_NAMES

    ids = [row_id for split in imdb.values() for row_id in split["id"][:]]
    assert len(set(ids)) == 50_000
    for split in imdb.values():
        for row_id, label, text, prompt in zip(*(split[column][:] for column in ("id", "label", "text", "prompt"))):
            assert re.fullmatch(r"(train|test)/(neg|pos)/\d+_\d+", row_id)
            assert row_id.split("/")[1] == IMDB_LABEL_NAMES[label]
            assert not HTML_TAG.search(text) and "<br" not in text
            assert text and prompt == text
    test_rows = dict(zip(imdb["test"]["id"][:], imdb["test"]["text"][:]))
    assert "an abbey of very long-lived monks" in test_rows["test/neg/979_3"]
    assert "Awww... <33 It was a good idea" in test_rows["test/pos/1636_8"]  # `<33` is text, not a tag


def test_20newsgroups_from_the_real_tarball(shared_data, caplog):
    archive = shared_data / "20newsgroups" / "20news-bydate.tar.gz"
    with caplog.at_level(logging.WARNING):
        news = load_lugpi_dataset("20newsgroups", archive)
    # Every post, those with an empty body too: 11,314 train posts, 10% of them for validation.
    assert [len(news[split]) for split in ("train", "validation", "test")] == [10_183, 1_131, 7_532]
    # 18 train and 16 test posts have nothing but headers and quoted headers: kept, empty, counted.
    assert _empty_texts(caplog, "(train)") == (18, 11_314)
    assert _empty_texts(caplog, "(test)") == (16, 7_532)
    assert sum(text == "" for split in news.values() for text in split["text"][:]) == 34
    assert news["train"].features["label"].names == NEWSGROUPS
    for split in news.values():
        assert len(set(split["label"])) == 20
        for text in split["text"][:]:
            assert not EMAIL.search(text), text
            assert "From:" not in text and "Subject:" not in text

    rows = {row_id: text for split in news.values() for row_id, text in zip(split["id"][:], split["text"][:])}
    faq = rows["train/alt.atheism/51060"]
    assert faq.startswith("Archive-name: atheism/introduction Alt-atheism-archive-name: introduction")
    assert "An Introduction to Atheism by mathew This article attempts" in faq

    again = load_lugpi_dataset("20newsgroups", archive)
    for split in news:
        assert news[split]["id"][:] == again[split]["id"][:]


# ---------------------------------------------------------------------------------------------------------
# Small trees and archives built here
# ---------------------------------------------------------------------------------------------------------


def _write_imdb_tree(root, reviews_per_class=10):
    for split in ("train", "test"):
        for label, rating in (("neg", 2), ("pos", 9)):
            folder = root / "aclImdb" / split / label
            folder.mkdir(parents=True)
            for number in range(reviews_per_class):
                text = f"A {label} review number {number}.<br /><br />It is <i>{split}</i> data."
                (folder / f"{number}_{rating}.txt").write_text(text, encoding="utf-8")
    (root / "aclImdb" / "train" / "unsup").mkdir()
    (root / "aclImdb" / "train" / "unsup" / "0_0.txt").write_text("unlabelled", encoding="utf-8")
    return root / "aclImdb"


def test_imdb_tree_and_tarball_give_the_same_dataset(tmp_path):
    tree = _write_imdb_tree(tmp_path / "extracted")
    archive = tmp_path / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tree, arcname="aclImdb")
    from_tree = load_lugpi_dataset("imdb", tree)
    from_parent = load_lugpi_dataset("imdb", tree.parent)
    from_archive = load_lugpi_dataset("imdb", archive)
    for split in ("train", "validation", "test"):
        assert from_tree[split].to_dict() == from_archive[split].to_dict() == from_parent[split].to_dict()
    assert [len(from_tree[split]) for split in ("train", "validation", "test")] == [18, 2, 20]
    assert from_tree["test"]["id"][:3] == ["test/neg/0_2", "test/neg/1_2", "test/neg/2_2"]
    assert from_tree["test"][0]["text"] == "A neg review number 0. It is test data."
    assert "unsup" not in " ".join(from_tree["train"]["id"])


def test_empty_texts_are_kept_and_counted(tmp_path, caplog):
    tree = _write_imdb_tree(tmp_path)
    (tree / "test" / "pos" / "3_9.txt").write_text("<br /><br />  ", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        imdb = load_lugpi_dataset("imdb", tree)
    assert len(imdb["test"]) == 20
    assert dict(zip(imdb["test"]["id"], imdb["test"]["text"]))["test/pos/3_9"] == ""
    assert _empty_texts(caplog, "(test)") == (1, 20)


def _write_newsgroups_tree(root, version, groups=("comp.graphics", "rec.autos", "sci.space"), posts=10):
    for group in groups:
        for number in range(posts):
            split = "train" if number < posts * 2 // 3 else "test"
            folder = root / (f"20news-bydate-{split}" if version == "bydate" else "20news-18828") / group
            folder.mkdir(parents=True, exist_ok=True)
            post = (
                f"From: someone{number}@{group}.edu (Some One)\nSubject: post {number}\n\n"
                f"In article <1993Apr{number}.1@{group}.edu> you wrote:\n> NMM>From: x@y.org\n"
                f"Post {number} about {group}. Write to me (me{number}@host.{group}.com)."
            )
            (folder / str(number + 1000)).write_bytes(post.encode("latin-1") + b" Caf\xe9.")


def test_20newsgroups_bydate_tree(tmp_path):
    _write_newsgroups_tree(tmp_path, "bydate")
    news = load_lugpi_dataset("20newsgroups", tmp_path)
    assert news["train"].features["label"].names == ["comp.graphics", "rec.autos", "sci.space"]
    assert len(news["train"]) + len(news["validation"]) == 18 and len(news["test"]) == 12
    row = dict(zip(news["test"]["id"], news["test"]["text"]))["test/rec.autos/1009"]
    assert row == "In article you wrote: Post 9 about rec.autos. Write to me . Café."


def test_20newsgroups_18828_gets_the_paper_split_shares(tmp_path):
    _write_newsgroups_tree(tmp_path, "18828", posts=100)  # 300 posts
    news = load_lugpi_dataset("20newsgroups", tmp_path / "20news-18828")
    # 33% test rounded up (the paper's 6,214 of 18,828), then 10% of the rest for validation.
    assert [len(news[split]) for split in ("train", "validation", "test")] == [181, 20, 99]
    assert news["test"][0]["id"].count("/") == 1  # `<group>/<number>`: no official split in 18828
    assert set(news["test"]["label"]) == {0, 1, 2}


# Posts per group in 20news-18828: 18,828 in all.
NEWSGROUPS_18828_COUNTS = [
    799, 973, 985, 982, 961, 980, 972, 990, 994, 994, 999, 991, 981, 990, 987, 997, 910, 940, 775, 628,
]  # fmt: skip


def test_20newsgroups_18828_gives_the_paper_split_exactly(tmp_path, caplog):
    root = tmp_path / "20news-18828"
    empty_bodies = 0
    for group, count in zip(NEWSGROUPS, NEWSGROUPS_18828_COUNTS):
        (root / group).mkdir(parents=True)
        for number in range(count):
            # Headers reduced to From and Subject, as in 18828; some posts have nothing but quoted headers.
            body = "> From: a@b.org" if number % 500 == 7 else f"Post {number} in {group}, mail me@{group}.org."
            empty_bodies += number % 500 == 7
            (root / group / str(50_000 + number)).write_text(f"From: x{number}@y.edu\nSubject: s\n\n{body}")
    with caplog.at_level(logging.WARNING):
        news = load_lugpi_dataset("20newsgroups", root)
    assert [len(news[split]) for split in ("train", "validation", "test")] == [11_353, 1_261, 6_214]
    assert _empty_texts(caplog, "(20news-18828)") == (empty_bodies, 18_828)
    assert sum(text == "" for split in news.values() for text in split["text"][:]) == empty_bodies
    assert len({row_id for split in news.values() for row_id in split["id"][:]}) == 18_828
    assert news["test"].features["label"].names == NEWSGROUPS


def test_clean_imdb_text_keeps_text_that_looks_like_tags():
    assert (
        clean_imdb_text("Great.<br /><br />Loved <i>every</i> <EM>minute</EM>.<hr>") == "Great. Loved every minute ."
    )
    assert clean_imdb_text("I <3 it < Cough > <-----Spoilers-----> 3 < 5") == (
        "I <3 it < Cough > <-----Spoilers-----> 3 < 5"
    )


def test_clean_newsgroups_text():
    post = (
        "From: ann@cs.org (Ann)\nSubject: orbits\nOrganization: CS\n\n"
        "ann@cs.org writes:\n> NMM>From: bob@x.org\n> Subject: Re: orbits\n"
        "Mail <ann@cs.org>, kem-pmp@ or sasst11+@.pitt.edu; thanks.\nSee the Subject: line.\r\nBye at 5 @ home"
    )
    assert clean_newsgroups_text(post) == "writes: Mail , or ; thanks. Bye at 5 @ home"
    assert clean_newsgroups_text("Subject: x\nkeep me", has_header=False) == "keep me"


def test_mark_span_and_prompt_token_lengths():
    assert mark_span("The cat sat.", 4, 7) == "The [SEP] cat [SEP] sat."
    assert mark_span("Cats sat", 0, 4, sep_token="</s>") == "</s> Cats </s> sat"
    # Lower bound: CLIP's pre-tokenizer pieces plus start and end tokens.
    assert prompt_token_lengths(["a photo of a cat", "Hello, world!! 2026", ""]) == [7, 10, 2]
    tokenizer = get_tiny_tokenizer()
    prompts = ["a photo of a cat", "zebra " * 100]
    assert prompt_token_lengths(prompts, tokenizer) == [len(tokenizer(p)["input_ids"]) for p in prompts]


# ---------------------------------------------------------------------------------------------------------
# Any other dataset
# ---------------------------------------------------------------------------------------------------------


def test_generic_csv_with_named_columns(tmp_path):
    path = tmp_path / "reviews.csv"
    rows = [f'{i},"Review  number {i}",{"good" if i % 3 else "bad"},caption {i}' for i in range(60)]
    path.write_text("id,review,stars,caption\n" + "\n".join(rows) + "\n", encoding="utf-8")
    prepared = load_lugpi_dataset(str(path), text_column="review", label_column="stars", prompt_column="caption")
    # Only a train split: test, then validation, are carved off it (10% each).
    assert [len(prepared[split]) for split in ("train", "validation", "test")] == [48, 6, 6]
    assert prepared["train"].features["label"].names == ["bad", "good"]
    everything = {row["id"]: row for split in prepared.values() for row in split}
    assert len(everything) == 60
    assert everything["train-4"] == {"id": "train-4", "text": "Review number 4", "prompt": "caption 4", "label": 1}
    assert everything["train-3"]["label"] == 0
    again = load_lugpi_dataset(str(path), text_column="review", label_column="stars", prompt_column="caption")
    assert all(prepared[split]["id"][:] == again[split]["id"][:] for split in prepared)


def test_generic_parquet_folder_keeps_its_splits(tmp_path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    for split, size in (("train", 40), ("test", 12)):
        data = {"sentence": [f"{split} sentence {i}" for i in range(size)], "topic": [i % 3 for i in range(size)]}
        datasets.Dataset.from_dict(data).to_parquet(str(folder / f"{split}.parquet"))
    prepared = load_lugpi_dataset(str(folder), text_column="sentence", label_column="topic")
    assert [len(prepared[split]) for split in ("train", "validation", "test")] == [36, 4, 12]
    assert prepared["test"].features["label"].names == ["0", "1", "2"]
    assert prepared["test"][5] == {"id": "test-5", "text": "test sentence 5", "prompt": "test sentence 5", "label": 2}


def test_hub_copies_of_imdb_and_20newsgroups(monkeypatch):
    def imdb_split(rows):
        features = datasets.Features(
            {"text": datasets.Value("string"), "label": datasets.ClassLabel(names=["neg", "pos"])}
        )
        texts = [f"Film {i}.<br />Fine." for i in range(rows)]
        return datasets.Dataset.from_dict({"text": texts, "label": [i % 2 for i in range(rows)]}, features)

    def newsgroups_split(rows):
        return datasets.Dataset.from_dict(
            {
                "text": [f"Mail x{i}@y.org now" if i % 4 else "" for i in range(rows)],
                "label": [i % 2 for i in range(rows)],
                "label_text": ["alt.atheism" if i % 2 == 0 else "comp.graphics" for i in range(rows)],
            }
        )

    def fake_load_dataset(name, *args, split=None, **kwargs):
        if name == "stanfordnlp/imdb":
            return datasets.DatasetDict(
                {"train": imdb_split(20), "test": imdb_split(10), "unsupervised": imdb_split(30)}
            )
        assert name == "SetFit/20_newsgroups"
        dataset = datasets.DatasetDict({"train": newsgroups_split(20), "test": newsgroups_split(8)})
        return dataset[split] if split else dataset

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    imdb = load_lugpi_dataset("imdb")
    assert [len(imdb[split]) for split in ("train", "validation", "test")] == [18, 2, 10]
    assert imdb["test"][3] == {"id": "test-3", "text": "Film 3. Fine.", "prompt": "Film 3. Fine.", "label": 1}
    news = load_lugpi_dataset("20newsgroups")
    assert news["train"].features["label"].names == ["alt.atheism", "comp.graphics"]
    assert len(news["test"]) == 8  # two empty texts kept
    assert sorted(set(news["test"]["text"])) == ["", "Mail now"]


# ---------------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------------

GOOD_ROW = "HIT1\tThe cat sat.\t4\t7\tcat\t10\t10\t1\t0\t1\t0.05"


@pytest.mark.parametrize(
    "second_line, message",
    [
        ("HIT1\tThe cat sat.\t4\t7\tcat\t10\t10\t1\t0\t1", r"line 2: 10 tab-separated columns, expected 11"),
        (
            "HIT1\tThe cat sat.\t0\t3\tcat\t10\t10\t1\t0\t1\t0.05",
            r"line 2: characters 0:3 .* 'The', expected .* 'cat'",
        ),
        ("HIT1\tThe cat sat.\t4\t70\tcat\t10\t10\t1\t0\t1\t0.05", r"line 2: characters 4:70"),
        ("HIT1\tThe cat sat.\tfour\t7\tcat\t10\t10\t1\t0\t1\t0.05", r"line 2: offsets 'four' and '7' .* integers"),
        ("HIT1\tThe cat sat.\t4\t7\tcat\t10\t10\t1\t0\tyes\t0.05", r"line 2: binary label 'yes' .* expected 0 or 1"),
    ],
)
def test_bad_cwi_rows_name_file_and_line(tmp_path, second_line, message):
    path = tmp_path / "News_Train.tsv"
    path.write_text(f"{GOOD_ROW}\n{second_line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"News_Train\.tsv, {message}"):
        read_cwi_file(path)


def test_curly_and_straight_quotes_match(tmp_path):
    path = tmp_path / "WikiNews_Dev.tsv"
    path.write_text("H\t#1-2 I’ve seen it.\t6\t9\t've\t10\t10\t0\t0\t0\t0.0\n", encoding="utf-8")
    assert read_cwi_file(path)[0]["text"] == "I[SEP] ’ve [SEP] seen it."


def test_bad_names_folders_and_columns(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="Unknown dataset 'imbd'"):
        load_lugpi_dataset("imbd")
    with pytest.raises(ValueError, match=r"empty: no IMDB reviews found \(expected aclImdb/"):
        load_lugpi_dataset("imdb", empty)
    with pytest.raises(ValueError, match=r"empty: no 20 Newsgroups posts found \(expected 20news-bydate"):
        load_lugpi_dataset("20newsgroups", empty)
    with pytest.raises(ValueError, match=r"empty/News_Train\.tsv: no such file"):
        load_lugpi_dataset("cwi-news", empty)
    with pytest.raises(ValueError, match="missing: no such directory or .tar.gz archive"):
        load_lugpi_dataset("imdb", tmp_path / "missing")
    with pytest.raises(ValueError, match="CWI 2018 has no copy on the Hub; pass data_dir"):
        load_lugpi_dataset("cwi-wikinews")

    path = tmp_path / "data.csv"
    path.write_text("review,stars\nnice,5\nbad,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"data\.csv \(train split\): no text column 'text' \(columns: \['review'"):
        load_lugpi_dataset(str(path), text_column="text", label_column="stars")
    with pytest.raises(ValueError, match=r"data\.csv \(train split\): no label column 'label'"):
        load_lugpi_dataset(str(path), text_column="review", label_column="label")
    unlabelled = tmp_path / "unlabelled.csv"
    unlabelled.write_text("review,stars\nnice,5\nbad,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unlabelled\.csv \(train split\), row 1 .*: no label in column 'stars'"):
        load_lugpi_dataset(str(unlabelled), text_column="review", label_column="stars")
    with pytest.raises(ValueError, match="pass text_column and label_column"):
        load_lugpi_dataset(str(path))
    with pytest.raises(ValueError, match="data_dir is for the paper's datasets"):
        load_lugpi_dataset(str(path), tmp_path, text_column="review", label_column="stars")
    with pytest.raises(ValueError, match=r"validation_fraction is 1\.5"):
        load_lugpi_dataset("imdb", validation_fraction=1.5)


def test_cwi_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "News_Dev.tsv"
    path.write_bytes(f"{GOOD_ROW}\n{GOOD_ROW}\n".encode() + GOOD_ROW.replace("cat", "c\xe2t").encode("latin-1"))
    with pytest.raises(ValueError, match=r"News_Dev\.tsv, line 3: byte 0xe2 is not UTF-8"):
        read_cwi_file(path)


def test_cwi_field_over_the_csv_field_size_limit_names_the_line(tmp_path):
    path = tmp_path / "News_Train.tsv"
    huge = "word " * 30_000  # 150,000 characters: a lost line break, not a sentence
    path.write_text(f"{GOOD_ROW}\nHIT1\t{huge}\t4\t7\tcat\t10\t10\t1\t0\t1\t0.05\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"News_Train\.tsv, line 2: field larger than field limit \(131072\)"):
        read_cwi_file(path)


@pytest.mark.parametrize(
    "file_name, content",
    [
        ("nan.csv", "review,stars\nnice,1\nfine,2\nmeh,\nbad,0\n"),
        ("nan.jsonl", '{"review": "a", "stars": 1.0}\n{"review": "b", "stars": 2.0}\n{"review": "c", "stars": NaN}\n'),
        ("null.jsonl", '{"review": "a", "stars": 1}\n{"review": "b", "stars": 2}\n{"review": "c", "stars": null}\n'),
    ],
)
def test_nan_or_missing_label_names_column_and_first_row(tmp_path, file_name, content):
    path = tmp_path / file_name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(
        ValueError, match=rf"{re.escape(file_name)} \(train split\), row 2 \(counting from 0\): no label in column 's"
    ):
        load_lugpi_dataset(str(path), text_column="review", label_column="stars")


@pytest.mark.parametrize(
    "file_name, content",
    [
        ("mixed.csv", "review,stars\nnice,pos\nfine,pos\nbad,0\nmeh,neg\n"),
        (
            "mixed.jsonl",
            '{"review": "a", "stars": "pos"}\n{"review": "b", "stars": "pos"}\n{"review": "c", "stars": 0}\n',
        ),
    ],
)
def test_labels_of_mixed_types_name_column_and_rows(tmp_path, file_name, content):
    path = tmp_path / file_name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(
        ValueError,
        match=rf"{re.escape(file_name)} \(train split\), row 2 .*: label '?0'? in column 'stars' is a number, "
        r"but row 0 has the name 'pos' \(expected labels of one type",
    ):
        load_lugpi_dataset(str(path), text_column="review", label_column="stars")


def test_mixed_label_types_across_splits_name_both(tmp_path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    datasets.Dataset.from_dict({"t": ["a", "b"], "y": ["neg", "pos"]}).to_parquet(str(folder / "train.parquet"))
    datasets.Dataset.from_dict({"t": ["c", "d"], "y": [0, 1]}).to_parquet(str(folder / "test.parquet"))
    with pytest.raises(ValueError, match=r"\(test split\), row 0 .*is a number, but row 0 of .*\(train split\) has"):
        load_lugpi_dataset(str(folder), text_column="t", label_column="y")


def test_split_whose_texts_are_all_empty_is_an_error(tmp_path):
    folder = tmp_path / "parquet"
    folder.mkdir()
    datasets.Dataset.from_dict({"t": ["a", "b", "c"], "y": [0, 1, 0]}).to_parquet(str(folder / "train.parquet"))
    datasets.Dataset.from_dict({"t": ["", "  ", None], "y": [0, 1, 0]}).to_parquet(str(folder / "test.parquet"))
    with pytest.raises(ValueError, match=r"parquet \(test split\): all 3 texts are empty after cleaning"):
        load_lugpi_dataset(str(folder), text_column="t", label_column="y")
    tree = _write_imdb_tree(tmp_path / "imdb", reviews_per_class=2)
    for review in (tree / "test").glob("*/*.txt"):
        review.write_text("<br /><br /> ", encoding="utf-8")
    with pytest.raises(ValueError, match=r"aclImdb \(test\): all 4 texts are empty after cleaning"):
        load_lugpi_dataset("imdb", tree)
