# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""LugpiDistillationTrainer on tiny models: loss parts, teachers (cache and online), GA, checkpoints, DDP."""

import os
import subprocess
import sys
import textwrap

import pytest
import torch
from safetensors.torch import load_file
from transformers import DistilBertTokenizer

from conftest import free_port
from lugpi_hf.dataset_io import rows_fingerprint
from lugpi_hf.teacher_cache import CACHE_FORMAT_VERSION, TeacherCache, build_teacher_cache
from lugpi_hf.testing import (
    TEXT_CLASSIFIER_TYPES,
    get_tiny_processor,
    get_tiny_student,
    get_tiny_teacher,
    get_tiny_text_classifier,
    get_tiny_tokenizer,
    get_tiny_vocab,
    make_toy_text_image_dataset,
)
from lugpi_hf.trainer import PROJECTIONS_FILE, LugpiDistillationTrainer, find_classification_layer
from lugpi_hf.training_args import LugpiDistillationArguments


TEACHER_WIDTH = 48  # != the tiny student's 32, so every test also exercises the projection
NO_DROPOUT = dict(dropout=0.0, attention_dropout=0.0, seq_classif_dropout=0.0)


def _save_teacher(path, seed=0, vision="vit", **overrides):
    overrides.setdefault("classifier_hidden_size", TEACHER_WIDTH)
    get_tiny_teacher(vision, seed=seed, **overrides).save_pretrained(path)
    get_tiny_processor(vision).save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def toy():
    return make_toy_text_image_dataset(16, seed=0)


@pytest.fixture(scope="module")
def teacher_dir(tmp_path_factory):
    return _save_teacher(tmp_path_factory.mktemp("teacher") / "teacher")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory, teacher_dir, toy):
    path = tmp_path_factory.mktemp("cache") / "cache"
    build_teacher_cache(teacher_dir, toy, batch_size=8).save_to_disk(path)
    return str(path)


def _args(output_dir, **kwargs):
    defaults = dict(
        output_dir=str(output_dir),
        max_steps=2,
        per_device_train_batch_size=4,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        learning_rate=1e-3,
        use_cpu=True,
        dataloader_pin_memory=False,
    )
    defaults.update(kwargs)
    return LugpiDistillationArguments(**defaults)


def _trainer(args, train_dataset, student=None, **kwargs):
    return LugpiDistillationTrainer(
        model=student if student is not None else get_tiny_student(),
        args=args,
        train_dataset=train_dataset,
        processing_class=get_tiny_tokenizer(),
        **kwargs,
    )


def _train_logs(trainer):
    return [log for log in trainer.state.log_history if "hard" in log]


# ---- the student embedding ----


@pytest.mark.parametrize("model_type", TEXT_CLASSIFIER_TYPES)
def test_student_embedding_found_and_projection_trained(model_type, tmp_path, toy, cache_dir):
    student = get_tiny_text_classifier(model_type)
    expected = {"distilbert": "classifier", "bert": "classifier", "roberta": "classifier.out_proj"}[model_type]
    assert find_classification_layer(student) is student.get_submodule(expected)

    trainer = _trainer(_args(tmp_path, teacher_cache=[cache_dir]), toy, student)
    projection = student.get_submodule("lugpi_embedding_projections.0")
    assert (projection.in_features, projection.out_features) == (32, TEACHER_WIDTH)
    before = projection.weight.detach().clone()
    trainer.train()
    # The projection is in the optimizer: it moved, and the embedding term was on.
    assert not torch.allclose(before, projection.weight)
    assert all(log["embedding"] > 0 for log in _train_logs(trainer))


def test_no_projection_when_widths_match(tmp_path, toy):
    teacher = _save_teacher(tmp_path / "teacher32", classifier_hidden_size=32)
    cache = tmp_path / "cache32"
    build_teacher_cache(teacher, toy).save_to_disk(cache)
    student = get_tiny_student()
    _trainer(_args(tmp_path / "out", teacher_cache=[str(cache)]), toy, student).train()
    assert not hasattr(student, "lugpi_embedding_projections")


# ---- logging and training ----


def _informed_cache(toy, path):
    """A cache as a teacher that knows the toy task would write it: logits and embeddings follow the label."""
    import datasets

    torch.manual_seed(0)
    class_embeddings = torch.randn(2, TEACHER_WIDTH).relu()
    labels = torch.tensor(list(toy["label"]))
    cache = TeacherCache(
        dataset=datasets.Dataset.from_dict(
            {
                "id": list(toy["id"]),
                "teacher_logits": (4.0 * torch.nn.functional.one_hot(labels, 2) - 2.0).tolist(),
                "teacher_embedding": class_embeddings[labels].tolist(),
            }
        ),
        metadata={
            "format_version": CACHE_FORMAT_VERSION, "teacher": "informed", "teacher_fingerprint": "0" * 64,
            "dataset_fingerprint": rows_fingerprint(toy, ["id", "text", "image"]),
            "text_fingerprint": rows_fingerprint(toy, ["id", "text"]), "id_column": "id", "text_column": "text",
            "image_column": "image", "label_names": ["positive", "negative"], "embedding_size": TEACHER_WIDTH,
            "num_rows": len(toy),
        },
    )  # fmt: skip
    cache.save_to_disk(path)
    return str(path)


@pytest.mark.parametrize("soft_loss", ["teacher_only", "ce"])
def test_logs_loss_parts_and_loss_decreases(soft_loss, tmp_path, toy):
    cache = _informed_cache(toy, tmp_path / "informed")
    args = _args(tmp_path, max_steps=48, logging_steps=12, learning_rate=1e-2, teacher_cache=[cache],
                 soft_loss=soft_loss)  # fmt: skip
    trainer = _trainer(args, toy, get_tiny_student(label_names=["positive", "negative"]))
    trainer.train()
    logs = _train_logs(trainer)
    assert len(logs) == 4
    for log in logs:
        assert log["loss"] == pytest.approx(log["hard"] + 3.0 * log["soft"] + 1.0 * log["embedding"], rel=1e-4)
    for name in ("loss", "hard", "embedding"):
        assert logs[-1][name] < 0.9 * logs[0][name], name
    # tau = 8 flattens the target to about [0.62, 0.38]: the soft term can only fall to its entropy, 0.664.
    if soft_loss == "ce":
        # The student softened by tau too can match the target while its own probabilities sharpen.
        assert logs[-1]["soft"] < logs[0]["soft"] - 0.005
    else:
        # The soft term reads the hard term's probabilities: it falls while they approach the target's 0.62,
        # then the hard term pulls them past it (the sum's optimum is (1 + 3 * 0.62) / 4 = 0.715).
        assert min(log["soft"] for log in logs) < logs[0]["soft"] - 0.005


def test_evaluate_reports_student_cross_entropy_and_metrics(tmp_path, toy, cache_dir):
    from lugpi_hf.metrics import compute_classification_metrics

    trainer = _trainer(_args(tmp_path, teacher_cache=[cache_dir]), toy, eval_dataset=toy,
                       compute_metrics=compute_classification_metrics)  # fmt: skip
    metrics = trainer.evaluate()
    student = trainer.model.eval()
    batch = get_tiny_tokenizer()(list(toy["text"]), padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = student(**batch).logits
    labels = torch.tensor(list(toy["label"]))
    assert metrics["eval_loss"] == pytest.approx(torch.nn.functional.cross_entropy(logits, labels).item(), rel=1e-4)
    assert metrics["eval_accuracy"] == pytest.approx((logits.argmax(-1) == labels).float().mean().item())
    assert "eval_f1_macro" in metrics


# ---- teachers ----


def test_teacher_columns_survive_collation(tmp_path, toy, cache_dir):
    trainer = _trainer(_args(tmp_path, teacher_cache=[cache_dir], remove_unused_columns=True), toy)
    cache = TeacherCache.load(cache_dir).dataset
    by_id = {row["id"]: row for row in cache}
    # The evaluation loader keeps the dataset's order, with the same column removal and collator.
    batch = next(iter(trainer.get_eval_dataloader(trainer.train_dataset)))
    ids = list(toy["id"])[: len(batch["labels"])]
    expected_logits = torch.tensor([by_id[row_id]["teacher_logits"] for row_id in ids])
    expected_embedding = torch.tensor([by_id[row_id]["teacher_embedding"] for row_id in ids])
    assert torch.equal(batch["teacher_logits"], expected_logits)
    assert torch.equal(batch["teacher_embedding"], expected_embedding)
    assert {"input_ids", "attention_mask", "labels"} <= set(batch)
    assert not any(key.startswith("teacher_input") or key.endswith("pixel_values") for key in batch)


def test_cache_equals_online_teacher(tmp_path, toy, teacher_dir, cache_dir):
    student_kwargs = dict(seed=0, **NO_DROPOUT)
    cached = _trainer(_args(tmp_path / "c", teacher_cache=[cache_dir]), toy, get_tiny_student(**student_kwargs))
    online = _trainer(_args(tmp_path / "o", teacher_model_name_or_path=teacher_dir), toy,
                      get_tiny_student(**student_kwargs))  # fmt: skip
    cached_batch = next(iter(cached.get_train_dataloader()))
    online_batch = next(iter(online.get_train_dataloader()))
    assert torch.equal(cached_batch["input_ids"], online_batch["input_ids"])
    assert "teacher_pixel_values" in online_batch and "teacher_logits" not in online_batch

    cached_losses, _ = cached.compute_distillation_loss(cached.model, cached_batch)
    online_losses, _ = online.compute_distillation_loss(online.model, online_batch)
    for name in ("loss", "hard", "soft", "embedding"):
        assert getattr(cached_losses, name).item() == pytest.approx(getattr(online_losses, name).item(), rel=1e-5)

    # And through training: the same logged losses step after step.
    cached.train()
    online.train()
    for a, b in zip(_train_logs(cached), _train_logs(online), strict=True):
        for name in ("loss", "hard", "soft", "embedding"):
            assert a[name] == pytest.approx(b[name], rel=1e-5)


def test_online_teacher_is_frozen_and_sees_only_its_own_inputs(tmp_path, toy):
    teacher = get_tiny_teacher(classifier_hidden_size=TEACHER_WIDTH)
    before = {name: p.detach().clone() for name, p in teacher.named_parameters()}
    # A student tokenizer with the vocabulary in reverse order: its ids differ from the teacher's.
    vocab = get_tiny_vocab()
    student_tokenizer = DistilBertTokenizer(vocab={token: len(vocab) - 1 - i for token, i in vocab.items()})
    seen = []
    teacher.register_forward_pre_hook(lambda module, args, kwargs: seen.append(kwargs["input_ids"]), with_kwargs=True)
    trainer = LugpiDistillationTrainer(
        model=get_tiny_student(),
        args=_args(tmp_path),
        train_dataset=toy,
        processing_class=student_tokenizer,
        teacher_model=teacher,
        teacher_processor=get_tiny_processor(),
    )
    batch = next(iter(trainer.get_train_dataloader()))
    assert not torch.equal(batch["input_ids"], batch["teacher_input_ids"])
    trainer.train()

    assert not teacher.training
    for name, param in teacher.named_parameters():
        assert not param.requires_grad and param.grad is None, name
        assert torch.equal(param, before[name]), name
    # Each step's teacher ids are the teacher tokenizer's, never the student's.
    teacher_tokenizer = get_tiny_tokenizer()
    for ids in seen:
        texts = teacher_tokenizer.batch_decode(ids, skip_special_tokens=True)
        assert torch.equal(ids, teacher_tokenizer(texts, padding=True, return_tensors="pt")["input_ids"])
    assert len(seen) == 2


def test_multi_teacher(tmp_path, toy):
    from lugpi_hf.losses import lugpi_distillation_loss

    caches = []
    # DistilBERT+ViT with e_T of the student's width, DistilBERT+CLIP with a wider one.
    for index, (vision, width) in enumerate([("vit", 32), ("clip", TEACHER_WIDTH)]):
        teacher = _save_teacher(tmp_path / f"teacher{index}", seed=index, vision=vision, classifier_hidden_size=width)
        caches.append(str(tmp_path / f"cache{index}"))
        build_teacher_cache(teacher, toy).save_to_disk(caches[-1])
    student = get_tiny_student(**NO_DROPOUT)
    trainer = _trainer(_args(tmp_path / "out", teacher_cache=caches), toy, student)
    # Only the second teacher needs a projection.
    assert list(student.lugpi_embedding_projections.keys()) == ["1"]
    batch = next(iter(trainer.get_train_dataloader()))
    assert {"teacher_logits", "teacher_embedding", "teacher_logits_1", "teacher_embedding_1"} <= set(batch)

    losses, outputs = trainer.compute_distillation_loss(student, batch)
    e_s = []
    student.classifier.register_forward_pre_hook(lambda module, args: e_s.append(args[0]))
    logits = student(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    expected = lugpi_distillation_loss(
        logits, batch["labels"], [batch["teacher_logits"], batch["teacher_logits_1"]],
        [e_s[0], student.lugpi_embedding_projections["1"](e_s[0])],
        [batch["teacher_embedding"], batch["teacher_embedding_1"]],
    )  # fmt: skip
    assert losses.loss.item() == pytest.approx(expected.loss.item(), rel=1e-5)
    trainer.train()
    assert len(_train_logs(trainer)) == 2


# ---- gradient accumulation ----


def _one_sgd_step(tmp_path, cache_dir, toy, batch_size, accumulation):
    student = get_tiny_student(**NO_DROPOUT)
    args = _args(
        tmp_path, max_steps=1, per_device_train_batch_size=batch_size, gradient_accumulation_steps=accumulation,
        optim="sgd", learning_rate=0.5, max_grad_norm=1e9, teacher_cache=[cache_dir],
    )  # fmt: skip
    trainer = _trainer(args, toy.select(range(8)), student)
    before = {name: p.detach().clone() for name, p in student.named_parameters()}
    trainer.train()
    delta = {name: p.detach() - before[name] for name, p in student.named_parameters()}
    return delta, trainer.state.log_history[0]


def test_gradient_accumulation_matches_a_larger_batch(tmp_path, toy, cache_dir):
    # The cache was built from the 16-row set; a subset has another fingerprint, so cache the 8 rows.
    teacher = TeacherCache.load(cache_dir).metadata["teacher"]
    subset_cache = tmp_path / "cache8"
    build_teacher_cache(teacher, toy.select(range(8))).save_to_disk(subset_cache)
    delta_ga, log_ga = _one_sgd_step(tmp_path / "ga", str(subset_cache), toy, batch_size=4, accumulation=2)
    delta_big, log_big = _one_sgd_step(tmp_path / "big", str(subset_cache), toy, batch_size=8, accumulation=1)
    assert log_ga["grad_norm"] == pytest.approx(log_big["grad_norm"], rel=1e-4)
    assert log_ga["loss"] == pytest.approx(log_big["loss"], rel=1e-4)
    assert any(d.abs().max() > 1e-4 for d in delta_big.values())
    for name in delta_big:
        torch.testing.assert_close(delta_ga[name], delta_big[name], rtol=1e-3, atol=1e-6, msg=name)
    assert "lugpi_embedding_projections.0.weight" in delta_big


# ---- checkpoints ----


def test_saved_student_is_plain_and_loads_without_lugpi(tmp_path, toy, cache_dir):
    trainer = _trainer(_args(tmp_path / "out", teacher_cache=[cache_dir]), toy)
    trainer.train()
    final = tmp_path / "student"
    trainer.save_model(str(final))
    baseline = tmp_path / "baseline"
    get_tiny_student().save_pretrained(baseline)
    assert set(load_file(final / "model.safetensors")) == set(load_file(baseline / "model.safetensors"))
    assert not (final / PROJECTIONS_FILE).exists()
    # Direct save_pretrained leaves the projection out as well.
    trainer.model.save_pretrained(tmp_path / "direct")
    assert set(load_file(tmp_path / "direct" / "model.safetensors")) == set(load_file(baseline / "model.safetensors"))

    text = "the movie was great and fun"
    trainer.model.eval()
    with torch.no_grad():
        probs = trainer.model(**get_tiny_tokenizer()(text, return_tensors="pt")).logits.softmax(-1)[0]
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["lugpi_hf"] = None  # the package must not be needed
        from transformers import pipeline
        classify = pipeline("text-classification", model={str(final)!r}, top_k=None)
        print({{d["label"]: d["score"] for d in classify([{text!r}])[0]}})
        """
    )
    env = {**os.environ, "PYTHONPATH": ""}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    scores = eval(result.stdout.strip().splitlines()[-1])
    assert scores["LABEL_0"] == pytest.approx(probs[0].item(), rel=1e-4)
    assert scores["LABEL_1"] == pytest.approx(probs[1].item(), rel=1e-4)


def test_resume_from_checkpoint(tmp_path, toy, cache_dir):
    def run(output_dir, resume=None, max_steps=4):
        args = _args(output_dir, max_steps=max_steps, save_strategy="steps", save_steps=2, teacher_cache=[cache_dir])
        student = get_tiny_student()
        trainer = _trainer(args, toy, student)
        trainer.train(resume_from_checkpoint=resume)
        return student, trainer

    full, full_trainer = run(tmp_path / "full")
    checkpoint = tmp_path / "full" / "checkpoint-2"
    assert (checkpoint / PROJECTIONS_FILE).is_file()
    assert set(load_file(checkpoint / "model.safetensors")) == set(get_tiny_student().state_dict())

    resumed, resumed_trainer = run(tmp_path / "resumed", resume=str(checkpoint))
    assert resumed_trainer.state.global_step == 4
    for (name, a), b in zip(full.named_parameters(), resumed.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6, msg=name)
    assert _train_logs(resumed_trainer)[-1]["loss"] == pytest.approx(_train_logs(full_trainer)[-1]["loss"], rel=1e-5)


# ---- bad input ----


def test_bad_hyperparameters():
    for kwargs, word in [({"alpha": -1}, "alpha"), ({"beta": -1}, "beta"), ({"temperature": 0}, "temperature")]:
        with pytest.raises(ValueError, match=word):
            LugpiDistillationArguments(output_dir="unused", **kwargs)


def test_label_mismatch(tmp_path, toy, cache_dir):
    with pytest.raises(ValueError, match="has 2 labels .* but the student has 3"):
        _trainer(_args(tmp_path, teacher_cache=[cache_dir]), toy, get_tiny_student(num_labels=3))
    named = tmp_path / "named"
    _save_teacher(named, label_names=["positive", "negative"])
    with pytest.raises(ValueError, match="label names disagree"):
        _trainer(_args(tmp_path, teacher_model_name_or_path=str(named)), toy,
                 get_tiny_student(label_names=["negative", "positive"]))  # fmt: skip


def test_cache_from_another_teacher_or_dataset(tmp_path, toy, cache_dir):
    other = _save_teacher(tmp_path / "other", seed=1)
    with pytest.raises(ValueError, match="built from another teacher"):
        _trainer(_args(tmp_path, teacher_cache=[cache_dir], teacher_model_name_or_path=other), toy)
    with pytest.raises(ValueError, match="built from another dataset"):
        _trainer(_args(tmp_path, teacher_cache=[cache_dir]), make_toy_text_image_dataset(16, seed=5))


def test_cache_missing_ids(tmp_path, toy, cache_dir):
    cache = TeacherCache.load(cache_dir)
    cache.dataset = cache.dataset.select(range(14))
    cache.save_to_disk(tmp_path / "partial")
    with pytest.raises(ValueError, match="missing 2 of the training set's 16 ids"):
        _trainer(_args(tmp_path, teacher_cache=[str(tmp_path / "partial")]), toy)


def test_no_teacher_and_no_images(tmp_path, toy, teacher_dir):
    with pytest.raises(ValueError, match="needs a teacher"):
        _trainer(_args(tmp_path), toy)
    trainer = _trainer(_args(tmp_path, teacher_model_name_or_path=teacher_dir), toy.remove_columns("image"))
    with pytest.raises(ValueError, match="needs the image column"):
        trainer.train()
    with pytest.raises(ValueError, match="label_smoothing_factor"):
        _trainer(_args(tmp_path, teacher_model_name_or_path=teacher_dir, label_smoothing_factor=0.1), toy)
    with pytest.raises(ValueError, match="ddp_find_unused_parameters"):
        _trainer(_args(tmp_path, teacher_model_name_or_path=teacher_dir, ddp_find_unused_parameters=True), toy)
    # alpha = beta = 0 is plain fine-tuning and needs no teacher.
    _trainer(_args(tmp_path, alpha=0.0, beta=0.0), toy).train()


# ---- two processes ----


def test_two_process_cpu_training(tmp_path, cache_dir):
    script = tmp_path / "ddp.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import json, os
            from lugpi_hf.testing import get_tiny_student, get_tiny_tokenizer, make_toy_text_image_dataset
            from lugpi_hf.trainer import LugpiDistillationTrainer
            from lugpi_hf.training_args import LugpiDistillationArguments

            args = LugpiDistillationArguments(
                output_dir={str(tmp_path / "out")!r}, max_steps=2, per_device_train_batch_size=4, logging_steps=1,
                save_strategy="no", report_to="none", use_cpu=True, ddp_backend="gloo",
                dataloader_pin_memory=False, teacher_cache=[{cache_dir!r}],
            )
            trainer = LugpiDistillationTrainer(
                model=get_tiny_student(), args=args, train_dataset=make_toy_text_image_dataset(16, seed=0),
                processing_class=get_tiny_tokenizer(),
            )
            trainer.train()
            # One file per rank: the two processes' stdout lines can interleave in the pipe.
            with open(os.path.join({str(tmp_path)!r}, f"rank-{{os.environ['RANK']}}.json"), "w") as file:
                json.dump({{"world_size": trainer.args.world_size, "rank": os.environ["RANK"],
                           "wrapped": type(trainer.model_wrapped).__name__, "logs": trainer.state.log_history[:2]}},
                          file)
            """
        )
    )
    port = str(free_port())
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", port]
    result = subprocess.run([*torchrun, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    import json

    results = [json.loads(path.read_text()) for path in sorted(tmp_path.glob("rank-*.json"))]
    assert sorted(r["rank"] for r in results) == ["0", "1"]
    for r in results:
        assert r["world_size"] == 2 and r["wrapped"] == "DistributedDataParallel"
        assert [log["step"] for log in r["logs"]] == [1, 2] and all("embedding" in log for log in r["logs"])
    # The parts are averaged over both processes: every rank logs the same values.
    assert results[0]["logs"] == results[1]["logs"]
