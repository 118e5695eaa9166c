# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 5, distill: `LugpiDistillationTrainer` trains a plain text classifier from the LUGPI teacher."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import (
    AutoModelForSequenceClassification,
    AutoProcessor,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    Trainer,
)
from transformers.trainer_pt_utils import nested_gather
from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR
from transformers.utils import logging

from .data_collator import TEACHER_PREFIX, LugpiDistillationCollator, is_teacher_signal, teacher_signal_columns
from .dataset_io import check_label_names, config_label_names
from .losses import LugpiDistillationLossOutput, lugpi_distillation_loss
from .model_card import LugpiModelCardMixin
from .redaction import protect_secrets
from .teacher_cache import TeacherCache, attach_teacher_caches
from .training_args import LugpiDistillationArguments


logger = logging.get_logger(__name__)

# The training-only projections e_S -> e_T width live on the student under this name (so the optimizer, device
# placement and DDP see them), are left out of `save_pretrained`, and go to their own file in checkpoints.
PROJECTIONS_NAME = "lugpi_embedding_projections"
PROJECTIONS_FILE = f"{PROJECTIONS_NAME}.safetensors"
LOSS_COMPONENTS = ("hard", "soft", "embedding")


def find_classification_layer(model: nn.Module) -> nn.Linear:
    """
    The student's final classification layer: the last `nn.Linear` with `config.num_labels` outputs
    (DistilBERT's and BERT's `classifier`, RoBERTa's `classifier.out_proj`, ...). Its input is the student
    embedding e_S.
    """
    num_labels = model.config.num_labels
    layers = [
        module
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and module.out_features == num_labels and PROJECTIONS_NAME not in name
    ]
    if not layers:
        raise ValueError(
            f"{type(model).__name__}: no nn.Linear layer with num_labels={num_labels} outputs, whose input would be "
            "the student embedding; the student must be a sequence classifier."
        )
    return layers[-1]


def _attach_projections(model: PreTrainedModel, teacher_widths: list[int], seed: int) -> nn.ModuleDict | None:
    classifier = find_classification_layer(model)
    width = classifier.in_features
    projections = nn.ModuleDict()
    # A seeded initialisation that leaves the global RNG (data order, dropout) as it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for index, teacher_width in enumerate(teacher_widths):
            if teacher_width != width:
                projections[str(index)] = nn.Linear(width, teacher_width)
    if not projections:
        return None
    projections.to(device=classifier.weight.device, dtype=classifier.weight.dtype)
    model.add_module(PROJECTIONS_NAME, projections)
    ignored = set(model._keys_to_ignore_on_save or ())
    model._keys_to_ignore_on_save = ignored | {f"{PROJECTIONS_NAME}.{key}" for key in projections.state_dict()}
    logger.info(
        f"Student embedding width {width} differs from the teacher's {teacher_widths}: training a linear "
        "projection, which the saved student leaves out."
    )
    return projections


class LugpiDistillationTrainer(LugpiModelCardMixin, Trainer):
    r"""
    A `transformers.Trainer` that distils the LUGPI teacher into a plain text classifier (the student):

        loss = CE(y, s) + alpha * CE_T(t, s) + beta * L2_T(e_T, e_S)

    - The teacher's signals come from teacher caches (`args.teacher_cache`, attached to `train_dataset` by row id;
      the teacher never runs) or from a frozen teacher run online, in eval mode and without gradients, on its own
      text + image inputs (`teacher_model` or `args.teacher_model_name_or_path`). Either way, the student sees
      only its own tokenization of the text.
    - e_S is the input of the student's classification layer, read with a forward pre-hook (see
      [`find_classification_layer`]); in training mode that is after the head's dropout. Where its width differs
      from a teacher's embedding, a linear projection, trained with the student and left out of the saved
      checkpoint, maps it to the teacher's width (one per teacher).
    - The log history carries the unweighted loss parts `hard`, `soft` and `embedding`, averaged over the steps
      since the last log, beside the total `loss`.
    - The loss is a per-batch mean and the Trainer divides it by the gradient accumulation steps, so
      accumulating 2 batches of b rows gives the gradient of one batch of 2b rows.
    - Evaluation reports the student's plain cross-entropy as `eval_loss` (comparable with the baseline's) and
      passes the student's logits to `compute_metrics`.
    - The saved student is a plain checkpoint of the student's class with exactly its own parameters: it loads
      with `AutoModelForSequenceClassification.from_pretrained` or `pipeline("text-classification")` without
      lugpi_hf. `save_model` and `push_to_hub` write the LUGPI student card beside it.
    - `args.hub_token` is used for uploads but never written: `training_args.bin` (beside the student and in every
      checkpoint) holds `"<redacted>"` (see [`~lugpi_hf.redaction.protect_secrets`]).

    Args:
        model ([`PreTrainedModel`]):
            The student, a sequence classifier (e.g. `AutoModelForSequenceClassification`) with the teacher's
            labels.
        args ([`LugpiDistillationArguments`], *optional*):
            Training arguments with the distillation fields.
        data_collator (`Callable`, *optional*):
            Defaults to a [`~lugpi_hf.data_collator.LugpiDistillationCollator`] over `processing_class` (and the
            teacher's processor for an online teacher). A `LugpiDistillationCollator` given without a
            `teacher_processor` gets the online teacher's.
        train_dataset ([`datasets.Dataset`], *optional*):
            Rows with `text` and `label` (and `id` for caches, `image` for an online teacher).
        eval_dataset ([`datasets.Dataset`], *optional*):
            Rows with `text` and `label`.
        processing_class ([`PreTrainedTokenizerBase`], *optional*):
            The student's tokenizer; saved with the student.
        teacher_model ([`PreTrainedModel`], *optional*):
            An already loaded teacher for online distillation; overrides `args.teacher_model_name_or_path`.
        teacher_processor ([`LugpiProcessor`], *optional*):
            The online teacher's processor; loaded from `args.teacher_model_name_or_path` when not given.
        card_metadata (`dict`, *optional*):
            Extra fields of the model card ([`~lugpi_hf.model_card.LugpiCardInfo`]), e.g. `dataset`, `generator`;
            the teacher and the distillation settings are filled in.
        kwargs:
            Passed to `transformers.Trainer` (`compute_metrics`, `callbacks`, ...).

    Example:

    ```python
    >>> from transformers import AutoModelForSequenceClassification, AutoTokenizer
    >>> from lugpi_hf.trainer import LugpiDistillationTrainer
    >>> from lugpi_hf.training_args import LugpiDistillationArguments

    >>> student = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased", num_labels=2)
    >>> trainer = LugpiDistillationTrainer(
    ...     model=student,
    ...     args=LugpiDistillationArguments("student-imdb", teacher_cache=["teacher-cache-imdb-vit"]),
    ...     train_dataset=dataset["train"],
    ...     processing_class=AutoTokenizer.from_pretrained("distilbert-base-uncased"),
    ... )
    >>> trainer.train()
    >>> trainer.save_model()  # a plain DistilBERT classifier
    ```
    """

    # `compute_loss` returns a per-batch mean: the Trainer divides it by the accumulation steps.
    loss_is_scaled_for_ga = False
    card_kind = "student"

    def __init__(
        self,
        model: PreTrainedModel | None = None,
        args: LugpiDistillationArguments | None = None,
        data_collator=None,
        train_dataset=None,
        eval_dataset=None,
        processing_class=None,
        *,
        teacher_model: PreTrainedModel | None = None,
        teacher_processor=None,
        card_metadata: dict | None = None,
        **kwargs,
    ):
        if args is None:
            args = LugpiDistillationArguments(output_dir="trainer_output")
        if not isinstance(args, LugpiDistillationArguments):
            raise ValueError(f"args must be LugpiDistillationArguments, got {type(args).__name__}.")
        # training_args.bin (saved with the student and every checkpoint) must not hold the Hub token.
        protect_secrets(args)
        if not isinstance(model, PreTrainedModel):
            raise ValueError("LugpiDistillationTrainer needs the student, a PreTrainedModel sequence classifier.")
        if args.label_smoothing_factor:
            raise ValueError(
                f"label_smoothing_factor={args.label_smoothing_factor} is not used by the distillation loss; leave it "
                "at 0 (the teacher's soft labels already smooth the targets)."
            )
        student_labels = config_label_names(model.config)
        distilling = args.alpha > 0 or args.beta > 0

        self.teacher: PreTrainedModel | None = None
        teacher_widths: list[int] = []
        teacher_names: list[str] = []
        if distilling and args.teacher_cache:
            if teacher_model is not None:
                raise ValueError("Give either args.teacher_cache or teacher_model, not both.")
            caches = [TeacherCache.load(path) for path in args.teacher_cache]
            if args.teacher_model_name_or_path is not None:
                if len(caches) != 1:
                    raise ValueError(
                        "teacher_model_name_or_path checks a single teacher_cache; leave it unset with several."
                    )
                caches[0].check_teacher(args.teacher_model_name_or_path)
            for cache in caches:
                check_label_names(cache.label_names, cache.name, student_labels, "the student")
            if train_dataset is None:
                raise ValueError("Distilling from a teacher cache needs the train_dataset it was built from.")
            train_dataset = attach_teacher_caches(train_dataset, caches)
            teacher_widths = [cache.embedding_size for cache in caches]
            teacher_names = [cache.metadata["teacher"] for cache in caches]
        elif distilling:
            if teacher_model is None:
                if args.teacher_model_name_or_path is None:
                    raise ValueError(
                        "alpha > 0 or beta > 0 needs a teacher: args.teacher_cache, args.teacher_model_name_or_path "
                        "or teacher_model."
                    )
                teacher_model = AutoModelForSequenceClassification.from_pretrained(args.teacher_model_name_or_path)
                if teacher_processor is None:
                    teacher_processor = AutoProcessor.from_pretrained(args.teacher_model_name_or_path)
            check_label_names(
                config_label_names(teacher_model.config), "the teacher", student_labels, "the student"
            )
            self.teacher = teacher_model.eval().requires_grad_(False)
            teacher_widths = [find_classification_layer(teacher_model).in_features]
            teacher_names = [args.teacher_model_name_or_path or teacher_model.name_or_path]
        self._num_teachers = len(teacher_widths)
        self._cached = bool(args.teacher_cache) and distilling

        self._classifier = find_classification_layer(model)
        self._projections = _attach_projections(model, teacher_widths, args.seed) if args.beta > 0 else None
        if self._projections is not None and args.ddp_find_unused_parameters:
            raise ValueError(
                "ddp_find_unused_parameters=True cannot track the embedding projection (used after the student's "
                "forward); set it to False."
            )

        if data_collator is None:
            if not isinstance(processing_class, PreTrainedTokenizerBase):
                raise ValueError("Pass the student's tokenizer as processing_class, or a data_collator.")
            if self.teacher is not None and teacher_processor is None:
                raise ValueError("An online teacher_model needs its teacher_processor (or pass a data_collator).")
            data_collator = LugpiDistillationCollator(
                processing_class, teacher_processor=teacher_processor if self.teacher is not None else None
            )
        elif (
            isinstance(data_collator, LugpiDistillationCollator)
            and data_collator.teacher_processor is None
            and self.teacher is not None
        ):
            if teacher_processor is None:
                raise ValueError("An online teacher_model needs its teacher_processor.")
            # A collator set up for the student's columns gets the online teacher's processor.
            data_collator = dataclasses.replace(data_collator, teacher_processor=teacher_processor)

        super().__init__(
            model=model,
            args=args,
            data_collator=data_collator,
            train_dataset=train_dataset,
            eval_dataset=eval_dataset,
            processing_class=processing_class,
            **kwargs,
        )
        # The student's forward never sees num_items_in_batch: the loss is computed here, as a batch mean.
        self.model_accepts_loss_kwargs = False
        if self.teacher is not None:
            self.teacher.to(self.args.device)
        self._component_sums: dict[str, torch.Tensor] = {}
        self._component_steps = 0
        distillation = {name: getattr(args, name) for name in ("alpha", "beta", "temperature", "soft_loss",
                                                                "embedding_loss")}  # fmt: skip
        distillation["teacher signals"] = "cache" if self._cached else "online" if self.teacher is not None else "none"
        self.card_metadata = {
            "teacher": ", ".join(name for name in teacher_names if name) or None,
            "distillation": distillation,
            **(card_metadata or {}),
        }

    # ---- columns ----

    def _set_signature_columns_if_needed(self):
        if self._signature_columns is None:
            super()._set_signature_columns_if_needed()
            # Keep what the collator reads and the cached teacher signals through `remove_unused_columns`.
            extra = list(getattr(self.data_collator, "input_columns", []))
            for index in range(self._num_teachers if self._cached else 0):
                extra += teacher_signal_columns(index)
            self._signature_columns += [column for column in extra if column not in self._signature_columns]

    # ---- loss ----

    def _teacher_signals(self, inputs: dict[str, Any]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Pop the teacher's side of the batch from `inputs` and return the teachers' logits and embeddings."""
        teacher_keys = [key for key in inputs if key.startswith(TEACHER_PREFIX)]
        teacher_inputs = {key: inputs.pop(key) for key in teacher_keys}
        if self._cached:
            logits, embeddings = [], []
            for index in range(self._num_teachers):
                logits_column, embedding_column = teacher_signal_columns(index)
                if logits_column not in teacher_inputs:
                    raise ValueError(
                        f"The training batch has no {logits_column!r}: distilling from a cache needs the cache's "
                        "columns attached to the train_dataset and kept by the data collator."
                    )
                logits.append(teacher_inputs[logits_column])
                embeddings.append(teacher_inputs[embedding_column])
            return logits, embeddings
        if self.teacher is not None:
            online = {
                key[len(TEACHER_PREFIX) :]: value for key, value in teacher_inputs.items() if not is_teacher_signal(key)
            }
            if "pixel_values" not in online:
                raise ValueError(
                    "The training batch has no teacher inputs (teacher_input_ids, teacher_pixel_values): the online "
                    "teacher reads the text and its image, so the train_dataset needs the image column."
                )
            with torch.no_grad():
                outputs = self.teacher(**online)
            return [outputs.logits], [outputs.embedding]
        return [], []

    def compute_distillation_loss(
        self, model: nn.Module, inputs: dict[str, Any]
    ) -> tuple[LugpiDistillationLossOutput, Any]:
        """The distillation loss and its parts on one batch, and the student's outputs."""
        inputs = dict(inputs)
        labels = inputs.pop("labels", None)
        if labels is None:
            raise ValueError("The training batch has no `labels`: the hard term needs the label column.")
        teacher_logits, teacher_embeddings = self._teacher_signals(inputs)

        captured: list[torch.Tensor] = []
        handle = self._classifier.register_forward_pre_hook(lambda module, args: captured.append(args[0]))
        try:
            outputs = model(**inputs)
        finally:
            handle.remove()
        student_embeddings = []
        if self.args.beta > 0:
            for index in range(len(teacher_embeddings)):
                key = str(index)
                project = self._projections[key] if self._projections is not None and key in self._projections else None
                student_embeddings.append(project(captured[0]) if project is not None else captured[0])

        losses = lugpi_distillation_loss(
            outputs.logits,
            labels,
            teacher_logits,
            student_embeddings,
            teacher_embeddings,
            alpha=self.args.alpha,
            beta=self.args.beta,
            temperature=self.args.temperature,
            soft_loss=self.args.soft_loss,
            embedding_loss=self.args.embedding_loss,
        )
        return losses, outputs

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        """
        Training: the LUGPI loss (a batch mean; `num_items_in_batch` is not used), its parts kept for the logs.
        Evaluation: the student's cross-entropy with the labels.
        """
        if not model.training:
            outputs = model(**{key: value for key, value in inputs.items() if not key.startswith(TEACHER_PREFIX)})
            return (outputs.loss, outputs) if return_outputs else outputs.loss
        losses, outputs = self.compute_distillation_loss(model, inputs)
        for name in LOSS_COMPONENTS:
            value = getattr(losses, name).detach()
            self._component_sums[name] = self._component_sums.get(name, 0.0) + value
        self._component_steps += 1
        return (losses.loss, outputs) if return_outputs else losses.loss

    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        # Predictions come from the student alone; the teacher's side of the batch is not its input.
        inputs = {key: value for key, value in inputs.items() if not key.startswith(TEACHER_PREFIX)}
        return super().prediction_step(model, inputs, prediction_loss_only, ignore_keys=ignore_keys)

    # ---- logging ----

    def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
        if "loss" in logs and self._component_steps:
            for name, total in self._component_sums.items():
                mean = total / self._component_steps
                # Every process logs (as for `loss` itself): average over them.
                logs[name] = nested_gather(mean, self.args.parallel_mode).mean().item()
            self._component_sums, self._component_steps = {}, 0
        super().log(logs, start_time)

    # ---- checkpoints ----

    def _save_checkpoint(self, model, trial):
        if self._projections is not None and self.args.should_save:
            checkpoint = os.path.join(
                self._get_output_dir(trial=trial), f"{PREFIX_CHECKPOINT_DIR}-{self.state.global_step}"
            )
            os.makedirs(checkpoint, exist_ok=True)
            state = {key: value.detach().cpu().contiguous() for key, value in self._projections.state_dict().items()}
            save_file(state, os.path.join(checkpoint, PROJECTIONS_FILE), metadata={"format": "pt"})
        super()._save_checkpoint(model, trial)

    def _load_from_checkpoint(self, resume_from_checkpoint, model=None):
        super()._load_from_checkpoint(resume_from_checkpoint, model)
        if self._projections is not None:
            path = os.path.join(resume_from_checkpoint, PROJECTIONS_FILE)
            if os.path.isfile(path):
                self._projections.load_state_dict(load_file(path))
            else:
                logger.warning(
                    f"{resume_from_checkpoint} has no {PROJECTIONS_FILE}: the embedding projections restart from "
                    "their initialisation."
                )


__all__ = ["LugpiDistillationTrainer", "find_classification_layer"]
