# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
transformers' own common test-suite against lugpi_hf's teacher, config and processor.

Not a `test_*.py` file: the package's `python -m pytest` never collects it. `run.sh` (next to this file) puts the
test files of the installed transformers version, from its sdist, on the path and runs this module:

    utils/common_suite/run.sh

The testers follow transformers' composite-model tests (e.g. `tests/models/llava` in its repository; the sdist ships no
`tests/models`): a `ModelTester` builds tiny sub-configs and common inputs, the test class sets `_is_composite`, and the
`ConfigTester` runs as `test_config`. There are two model test classes, one per vision tower (ViT and CLIP), and in
both the vision width differs from the text width, so the teacher's image projection is a real `nn.Linear`
(ViT 24 -> 32, CLIP 48 -> 32). The teacher's `hidden_states` / `attentions` are its fusion blocks', over the joint
sequence (text tokens, then the image CLS and patch tokens), so the tester's `seq_length`, `hidden_size`,
`num_hidden_layers` and `num_attention_heads` describe those blocks.

Two common tests are skipped in `LugpiModelTestMixin`, each with its reason: one cannot apply to a head-only composite
model, the other's name-prefix check is defeated by this head's layer names (its check runs with exact names). The rest
of the suite runs as transformers wrote it, skipping where its own code says so.
"""

from __future__ import annotations

import unittest
from unittest.mock import patch

from tests.test_configuration_common import ConfigTester
from tests.test_modeling_common import ModelTesterMixin, floats_tensor, ids_tensor, random_attention_mask
from tests.test_processing_common import ProcessorTesterMixin
from transformers.models.auto.modeling_auto import MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES
from transformers.testing_utils import require_torch, require_vision, torch_device

from lugpi_hf import LugpiConfig, LugpiMultimodalForSequenceClassification, LugpiProcessor
from lugpi_hf.testing import (
    TINY_IMAGE_SIZE,
    TINY_PATCH_SIZE,
    get_tiny_image_processor,
    get_tiny_text_config,
    get_tiny_tokenizer,
    get_tiny_vision_config,
)


_registration = patch.dict(
    MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES,
    {LugpiConfig.model_type: LugpiMultimodalForSequenceClassification.__name__},
)


def setUpModule():
    # The suite decides what a model is from transformers' static class-name tables: a sequence classifier gets
    # `labels` (`_prepare_for_class(..., return_labels=True)`), and `test_problem_types`,
    # `test_load_with_mismatched_shapes` and `test_can_load_ignoring_mismatched_shapes` only run for those names.
    # Listing the teacher there for this module's run holds it to what transformers' own classifiers are held to.
    _registration.start()


def tearDownModule():
    _registration.stop()


TEXT_WIDTH = 32
# Both differ from the text width, so both teachers project their image tokens (narrower ViT, wider CLIP).
VISION_WIDTHS = {"vit": 24, "clip": 48}


class LugpiModelTester:
    def __init__(
        self,
        parent,
        vision="vit",
        batch_size=3,
        text_seq_length=7,
        is_training=True,
        fusion_layers=2,
        fusion_heads=4,
        fusion_intermediate_size=37,
        num_labels=3,
    ):
        self.parent = parent
        self.vision = vision
        self.batch_size = batch_size
        self.text_seq_length = text_seq_length
        self.is_training = is_training
        self.num_labels = num_labels
        self.fusion_layers = fusion_layers
        self.fusion_heads = fusion_heads
        self.fusion_intermediate_size = fusion_intermediate_size

        # The sub-configs are the package's tiny ones (DistilBERT width 32, 2 layers; ViT / CLIP 2 layers, 32x32
        # images in 8x8 patches), as plain dicts like transformers' composite testers keep them.
        self.text_config = get_tiny_text_config().to_dict()
        self.vision_config = get_tiny_vision_config(vision, hidden_size=VISION_WIDTHS[vision]).to_dict()
        self.vocab_size = self.text_config["vocab_size"]
        self.pad_token_id = self.text_config["pad_token_id"]
        self.num_channels = 3
        self.image_size = TINY_IMAGE_SIZE
        self.patch_size = TINY_PATCH_SIZE
        self.num_image_tokens = 1 + (TINY_IMAGE_SIZE // TINY_PATCH_SIZE) ** 2  # CLS + patches

        # What the common tests read: the fusion blocks over the joint text + image sequence.
        self.seq_length = text_seq_length + self.num_image_tokens
        self.hidden_size = TEXT_WIDTH
        self.num_hidden_layers = fusion_layers
        self.num_attention_heads = fusion_heads

    def get_config(self):
        return LugpiConfig(
            text_config=self.text_config,
            vision_config=self.vision_config,
            fusion_layers=self.fusion_layers,
            fusion_heads=self.fusion_heads,
            fusion_intermediate_size=self.fusion_intermediate_size,
            num_labels=self.num_labels,
        )

    def prepare_config_and_inputs(self):
        input_ids = ids_tensor([self.batch_size, self.text_seq_length], self.vocab_size)
        attention_mask = random_attention_mask([self.batch_size, self.text_seq_length])
        pixel_values = floats_tensor([self.batch_size, self.num_channels, self.image_size, self.image_size])
        return self.get_config(), input_ids, attention_mask, pixel_values

    def prepare_config_and_inputs_for_common(self):
        config, input_ids, attention_mask, pixel_values = self.prepare_config_and_inputs()
        inputs_dict = {
            "input_ids": input_ids.to(torch_device),
            "attention_mask": attention_mask.to(torch_device),
            "pixel_values": pixel_values.to(torch_device),
        }
        return config, inputs_dict


class LugpiModelTestMixin(ModelTesterMixin):
    """The common-suite settings of both teachers; the subclasses choose the vision tower."""

    vision = None
    all_model_classes = (LugpiMultimodalForSequenceClassification,)
    _is_composite = True
    # Inputs that the SDPA / eager comparison passes besides `main_input_name` (as transformers' VLM tests set it).
    additional_model_inputs = ("pixel_values",)

    def setUp(self):
        self.model_tester = LugpiModelTester(self, vision=self.vision)
        # As transformers' composite testers do: the common properties and a few scalar fields (a sub-config dict would
        # not compare equal to its serialised form, which drops `transformers_version`).
        self.config_tester = ConfigTester(
            self,
            config_class=LugpiConfig,
            has_text_modality=False,
            common_properties=["text_config", "vision_config", "fusion_layers", "fusion_heads"],
            fusion_layers=self.model_tester.fusion_layers,
            fusion_heads=self.model_tester.fusion_heads,
            fusion_intermediate_size=self.model_tester.fusion_intermediate_size,
        )

    def test_config(self):
        self.config_tester.run_common_tests()

    def test_projection_is_used(self):
        # The premise of these testers: the vision width differs from the text width.
        config, _ = self.model_tester.prepare_config_and_inputs_for_common()
        self.assertNotEqual(config.vision_hidden_size, config.text_hidden_size)
        model = LugpiMultimodalForSequenceClassification(config)
        self.assertEqual(
            tuple(model.vision_projection.weight.shape), (config.text_hidden_size, config.vision_hidden_size)
        )

    # ---- Common tests skipped here, with the reason: one cannot apply to a head-only composite model, one picks
    # parameters by a name prefix that this head's layer names defeat (its check runs below with exact names) ----

    @unittest.skip(
        reason="head-only composite: the test loads the checkpoint with `AutoModel` (the base model), and LugpiConfig "
        "has no base model class (not in MODEL_MAPPING); its base parts are a text and a vision encoder that "
        "transformers tests itself. Its head half (a 42-way classifier re-initialised) is "
        "test_can_load_ignoring_mismatched_shapes_exact_names."
    )
    def test_load_with_mismatched_shapes(self):
        pass

    @unittest.skip(
        reason="the suite picks the re-initialised layers by name prefix without a dot (`k.startswith('classifier')`), "
        "which also takes the head's hidden layer `classifier_hidden.*` (width 32) for the 42-way `classifier`; "
        "the same check with exact module names is test_can_load_ignoring_mismatched_shapes_exact_names."
    )
    def test_can_load_ignoring_mismatched_shapes(self):
        pass

    def test_can_load_ignoring_mismatched_shapes_exact_names(self):
        # transformers' test_can_load_ignoring_mismatched_shapes, with the mismatched module matched as
        # `name == module or name.startswith(module + ".")`.
        import tempfile

        import torch
        from tests.test_modeling_common import _config_zero_init
        from transformers.testing_utils import CaptureLogger
        from transformers.utils import logging

        torch.manual_seed(42)
        config, _ = self.model_tester.prepare_config_and_inputs_for_common()
        config = _config_zero_init(config)
        config.num_labels = 3
        model_class = LugpiMultimodalForSequenceClassification
        with tempfile.TemporaryDirectory() as tmp_dir:
            model = model_class(config)
            model.save_pretrained(tmp_dir)
            with self.assertRaises(RuntimeError):
                model_class.from_pretrained(tmp_dir, num_labels=42)
            logger = logging.get_logger("transformers.modeling_utils")
            with CaptureLogger(logger) as cl:
                new_model = model_class.from_pretrained(tmp_dir, num_labels=42, ignore_mismatched_sizes=True)
            self.assertIn("Reinit due to size mismatch", cl.out)
        mismatched = [name for name, module in new_model.named_children()
                      if isinstance(module, torch.nn.Linear) and module.out_features == 42]  # fmt: skip
        self.assertEqual(mismatched, ["classifier"])
        old, new = dict(model.named_parameters()), dict(new_model.named_parameters())
        self.assertEqual(set(old), set(new))
        for name, value in new.items():
            if any(name == m or name.startswith(m + ".") for m in mismatched):
                self.assertEqual(value.shape[0], 42, name)
                self.assertLessEqual(old[name].data.mean().item(), 1e-1, name)
            else:
                torch.testing.assert_close(old[name], value, msg=name)


@require_torch
class LugpiViTModelTest(LugpiModelTestMixin, unittest.TestCase):
    vision = "vit"


@require_torch
class LugpiCLIPModelTest(LugpiModelTestMixin, unittest.TestCase):
    vision = "clip"


class LugpiProcessorTestMixin(ProcessorTesterMixin):
    processor_class = LugpiProcessor
    vision = None

    @classmethod
    def _setup_tokenizer(cls):
        return get_tiny_tokenizer()

    @classmethod
    def _setup_image_processor(cls):
        return get_tiny_image_processor(cls.vision)


@require_vision
class LugpiViTProcessorTest(LugpiProcessorTestMixin, unittest.TestCase):
    vision = "vit"


@require_vision
class LugpiCLIPProcessorTest(LugpiProcessorTestMixin, unittest.TestCase):
    vision = "clip"
